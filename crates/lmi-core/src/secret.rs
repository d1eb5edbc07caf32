//! A setting that must never be shown: the admin token, the Nomis key, a webhook URL carrying its
//! own token. Read from settings like any value; printed, logged or serialised only as
//! `<redacted>`, so `lmi config show`, `Debug` output and error messages cannot leak it.

use serde::{Deserialize, Serialize, Serializer};

/// What a secret prints as.
pub const REDACTED: &str = "<redacted>";

/// A value read from settings whose text is only ever used, never shown.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself, for the one place that uses it (a comparison, a query parameter).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Secret<String> {
        Secret(value.to_owned())
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Secret<String> {
        Secret(value)
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Serialised as `<redacted>`: settings are serialised only to be shown.
impl<T> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reads_like_its_value_and_never_shows_it() {
        let token: Secret<String> = serde_json::from_str("\"s3cr3t\"").unwrap_or_else(|e| {
            panic!("a secret deserialises from its plain value: {e}");
        });
        assert_eq!(token.expose(), "s3cr3t");
        assert_eq!(format!("{token:?}"), REDACTED);
        assert_eq!(
            serde_json::to_string(&token).ok().as_deref(),
            Some("\"<redacted>\"")
        );
    }
}
