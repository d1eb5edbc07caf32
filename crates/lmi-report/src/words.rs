//! Numbers and area types in words, as readings, chart descriptions and packs write them.

use lmi_core::AreaType;

/// "local authority districts", "Travel to Work Areas", ...: an area type in a sentence.
pub fn plural(t: AreaType) -> &'static str {
    match t {
        AreaType::Lad => "local authority districts",
        AreaType::Ttwa => "Travel to Work Areas",
        AreaType::County => "counties",
        AreaType::Lep => "LEP areas",
        AreaType::Lsip => "LSIP areas",
        AreaType::CombinedAuthority => "combined authorities",
        AreaType::Region => "regions",
        AreaType::Country => "countries",
    }
}

/// A value in words with its unit: `5.2%`, `£612 a week`, `1,230 achievements`.
pub fn format_value(v: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{v:.1}%"),
        "£ per week" => format!("£{} a week", thousands(v.round())),
        u => format!("{} {u}", thousands(v.round())),
    }
}

/// A whole number with thousands separators: `1,234,567`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_units() {
        assert_eq!(format_value(4.0567, "%"), "4.1%");
        assert_eq!(format_value(612.4, "£ per week"), "£612 a week");
        assert_eq!(format_value(1234.0, "achievements"), "1,234 achievements");
        assert_eq!(
            format_value(1234567.0, "per 100,000 population"),
            "1,234,567 per 100,000 population"
        );
    }
}
