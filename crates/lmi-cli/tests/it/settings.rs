//! Settings as an operator meets them: a file, then `LMI_*` variables, then flags; a bad value
//! stops `lmi` at start-up naming the key and the reason; `lmi config show` says what is in
//! force and where it came from, never a secret.

use crate::support::{lmi_with, stderr, stdout};

/// The line of `config show` for `key` in its table.
fn line<'a>(shown: &'a str, key: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no `{key}` in\n{shown}"))
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lmi.toml");
    std::fs::write(
        &file,
        "data_dir = \"from-file\"\n[serve]\naddr = \"10.0.0.1:1\"\n[api]\nbody_limit = 1\ncache_max_age = 1\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let env = [("LMI_BODY_LIMIT", "2"), ("LMI_CACHE_MAX_AGE", "2")];
    let out = lmi_with(
        &["--config", config, "config", "show", "--cache-max-age", "3"],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        line(&shown, "data_dir").contains("\"from-file\""),
        "{shown}"
    );
    assert!(line(&shown, "data_dir").contains(config), "{shown}");
    assert!(line(&shown, "addr").contains("10.0.0.1:1"), "{shown}");
    assert!(line(&shown, "body_limit").contains("= 2"), "{shown}");
    assert!(
        line(&shown, "body_limit").contains("LMI_BODY_LIMIT"),
        "{shown}"
    );
    assert!(line(&shown, "cache_max_age").contains("= 3"), "{shown}");
    assert!(
        line(&shown, "cache_max_age").contains("flag --cache-max-age"),
        "{shown}"
    );
    assert!(
        line(&shown, "request_timeout_ms").contains("= 10000  # default"),
        "{shown}"
    );

    // LMI_CONFIG names the file as --config does.
    let out = lmi_with(&["config", "show"], &[("LMI_CONFIG", config)]);
    assert!(line(&stdout(&out), "addr").contains("10.0.0.1:1"));
}

#[test]
fn a_bad_value_stops_lmi_at_start_up_naming_the_key_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lmi.toml");
    std::fs::write(&file, "[fetch]\nmax_attempts = 0\n").unwrap();
    let config = file.to_str().unwrap();
    for (what, args, env, needles) in [
        (
            "zero attempts in the file",
            vec!["--config", config, "refresh"],
            vec![],
            vec!["fetch.max_attempts", "nonzero", config],
        ),
        (
            "a word for a number in the environment",
            vec!["serve"],
            vec![("LMI_REQUEST_TIMEOUT_MS", "soon")],
            vec![
                "api.request_timeout_ms",
                "LMI_REQUEST_TIMEOUT_MS",
                "expected u64",
            ],
        ),
        (
            "an address that is not one",
            vec!["serve"],
            vec![("LMI_ADDR", "localhost")],
            vec!["serve.addr", "LMI_ADDR", "socket address"],
        ),
        (
            "a base URL that is not http",
            vec!["sources", "check"],
            vec![("LMI_EES_BASE_URL", "ftp://mirror")],
            vec!["fetch.base_urls.ees", "http://", "ftp://mirror"],
        ),
        (
            "every command checks the settings",
            vec!["--config", config, "validate"],
            vec![],
            vec!["fetch.max_attempts"],
        ),
        (
            "a missing settings file",
            vec!["--config", "/nonexistent/lmi.toml", "validate"],
            vec![],
            vec!["/nonexistent/lmi.toml"],
        ),
    ] {
        let out = lmi_with(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        for n in needles {
            assert!(
                stderr(&out).contains(n),
                "{what}: `{n}` in {}",
                stderr(&out)
            );
        }
    }
    // An unknown key is refused, not ignored.
    std::fs::write(&file, "[serve]\nport = 8080\n").unwrap();
    let out = lmi_with(&["--config", config, "config", "show"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("port"), "{}", stderr(&out));
}

#[test]
fn config_show_redacts_the_admin_token_and_the_nomis_key() {
    let out = lmi_with(
        &["config", "show"],
        &[
            ("LMI_ADMIN_TOKEN", "12345-very-secret"),
            ("LMI_NOMIS_UID", "0xdeadbeef"),
            ("LMI_NOMIS_BASE_URL", "http://127.0.0.1:9/m"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(!shown.contains("very-secret"), "{shown}");
    assert!(!shown.contains("deadbeef"), "{shown}");
    assert!(
        line(&shown, "admin_token").contains("<redacted>"),
        "{shown}"
    );
    assert!(
        line(&shown, "admin_token").contains("LMI_ADMIN_TOKEN"),
        "{shown}"
    );
    assert!(line(&shown, "nomis_uid").contains("<redacted>"), "{shown}");
    // The environment overrides a base URL (as the fetch settings always allowed).
    assert!(
        line(&shown, "nomis").contains("http://127.0.0.1:9/m"),
        "{shown}"
    );
    // What is printed is itself a settings file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lmi.toml");
    std::fs::write(&file, &shown).unwrap();
    let again = lmi_with(&["--config", file.to_str().unwrap(), "config", "show"], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn an_admin_token_no_client_could_send_is_refused_at_start_up() {
    let out = lmi_with(&["config", "show"], &[("LMI_ADMIN_TOKEN", "s3cret\n")]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("api.admin_token") && err.contains("whitespace"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "the token is never printed: {err}");
}

#[test]
fn serve_never_publishes_the_sample_over_snapshots_that_lost_their_pointer() {
    let data = tempfile::tempdir().unwrap();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample");
    let catalogue = lmi_ingest::Catalogue::bundled().unwrap();
    let store = lmi_store::Store::open(data.path());
    let always = lmi_refresh::DirOptions {
        keep: lmi_refresh::DEFAULT_KEEP,
        force: true,
        area_groups: None,
    };
    let real = lmi_refresh::refresh_dir(&sample, &store, &catalogue, &always)
        .unwrap()
        .into_manifest();
    std::fs::write(data.path().join("current"), "").unwrap();
    let err = match lmi_cli::load_or_bootstrap(data.path(), &sample) {
        Ok(_) => panic!("served with an empty pointer"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        err.contains("no `current` pointer") && err.contains(&real.version),
        "{err}"
    );
    assert_eq!(
        lmi_store::Store::open(data.path()).list().unwrap(),
        [real.version]
    );
}

#[test]
fn a_bad_refresh_schedule_or_webhook_stops_start_up_and_the_webhook_is_a_secret() {
    let out = lmi_with(&["serve", "--refresh-schedule", "every night"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("bad setting `serve.refresh_schedule`")
            && err.contains("`every night` is not a cron schedule"),
        "{err}"
    );
    let out = lmi_with(
        &["config", "show"],
        &[
            ("LMI_REFRESH_SCHEDULE", "30 2 * * *"),
            (
                "LMI_ALERT_WEBHOOK",
                "https://hooks.example.org/services/T0KEN",
            ),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        line(&shown, "refresh_schedule").contains("\"30 2 * * *\""),
        "{shown}"
    );
    assert!(!shown.contains("T0KEN"), "{shown}");
    assert!(line(&shown, "webhook").contains("redacted"), "{shown}");
}

#[test]
fn object_store_settings_are_shown_without_credentials_and_checked_at_start_up() {
    let out = lmi_with(
        &["config", "show", "--data-url", "s3://lmi-bucket/prod"],
        &[
            (
                "LMI_S3_ENDPOINT",
                "http://minio:hunter2@127.0.0.1:9000/?X-Amz-Signature=abc123",
            ),
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "aws-very-secret"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    for secret in ["hunter2", "abc123", "aws-very-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        line(&shown, "data_url").contains("\"s3://lmi-bucket/prod\"  # flag --data-url"),
        "{shown}"
    );
    assert!(
        line(&shown, "s3_endpoint").contains("127.0.0.1:9000"),
        "{shown}"
    );

    // A URL that names no object store stops every command, naming the key.
    let out = lmi_with(&["config", "show"], &[("LMI_DATA_URL", "ftp://host/x")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad setting `data_url`"),
        "{}",
        stderr(&out)
    );
}
