//! The `lmi` binary as an analyst and a cron job use it: exit codes, messages, and the rule that
//! a failed refresh never touches the published snapshot.

use crate::support::{lmi, stderr};
use lmi_testkit::{copy_dir, sample_dir, tree};
use std::path::Path;

/// A copy of the sample directory whose KS4 file has been altered by `edit`.
fn broken_sample(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "dfe/ks4_destinations_lad.csv",
        "census/census2021_ts067_lad22.csv",
        "SAMPLE.toml",
    ] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sample_dir().join(rel), &to).unwrap();
    }
    let ks4 = dir.path().join("dfe/ks4_destinations_lad.csv");
    let text = std::fs::read_to_string(&ks4).unwrap();
    std::fs::write(&ks4, edit(text)).unwrap();
    dir
}

#[test]
fn refresh_publishes_the_sample_and_says_so() {
    let data = tempfile::tempdir().unwrap();
    let out = lmi(&[
        "refresh",
        "--from",
        sample_dir().to_str().unwrap(),
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("published snapshot"), "{stdout}");
    assert!(stdout.contains("SYNTHETIC SAMPLE DATA"), "{stdout}");
    assert!(data.path().join("current").is_file());
}

#[test]
fn a_bad_source_file_fails_with_its_cause_and_leaves_the_snapshot_byte_for_byte() {
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().to_str().unwrap();
    assert!(
        lmi(&[
            "refresh",
            "--from",
            sample_dir().to_str().unwrap(),
            "--data-dir",
            data_arg
        ])
        .status
        .success()
    );
    let before = tree(data.path()).unwrap();

    type Edit = Box<dyn Fn(String) -> String>;
    let cases: [(&str, Edit, &[&str]); 4] = [
        (
            "renamed column",
            Box::new(|t: String| t.replacen(",appren,", ",apprenticeships,", 1)),
            &["column `appren` is missing", "apprenticeships"],
        ),
        (
            "bad count",
            Box::new(|t: String| t.replacen(",Number of pupils,", ",Number of pupils,lots", 1)),
            &["line 2, column `cohort`", "lots"],
        ),
        (
            "truncated row",
            Box::new(|t: String| {
                let cut = t.len() - 40;
                t[..cut].to_owned()
            }),
            &["malformed CSV"],
        ),
        (
            "empty file",
            Box::new(|_| String::new()),
            &["the file is empty"],
        ),
    ];
    for (what, edit, needles) in cases {
        let from = broken_sample(edit);
        let out = lmi(&[
            "refresh",
            "--from",
            from.path().to_str().unwrap(),
            "--data-dir",
            data_arg,
        ]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("ks4_destinations_lad.csv"), "{what}: {err}");
        for n in needles {
            assert!(err.contains(n), "{what}: {err}");
        }
        assert!(err.contains("nothing was published"), "{what}: {err}");
        assert_eq!(
            tree(data.path()).unwrap(),
            before,
            "{what}: the data directory changed"
        );
    }
}

fn current(data: &Path) -> String {
    std::fs::read_to_string(data.join("current"))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn a_refresh_over_the_current_snapshots_files_publishes_nothing_unless_they_change_or_forced() {
    let from = tempfile::tempdir().unwrap();
    copy_dir(&sample_dir(), from.path()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "refresh",
            "--from",
            from.path().to_str().unwrap(),
            "--data-dir",
            data.path().to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = lmi(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&[]).contains("published snapshot"));
    let first = current(data.path());
    let before = tree(data.path()).unwrap();

    // The same files: nothing read, nothing published, the data directory byte for byte.
    let again = run(&[]);
    assert!(again.contains("nothing changed"), "{again}");
    assert!(again.contains(&first), "{again}");
    assert_eq!(
        tree(data.path()).unwrap(),
        before,
        "an unchanged refresh wrote something"
    );

    // One file's bytes change (its rows in another order): published.
    let census = from.path().join("census/census2021_ts067_lad22.csv");
    let text = std::fs::read_to_string(&census).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    std::fs::write(&census, lines.join("\n") + "\n").unwrap();
    assert!(run(&[]).contains("published snapshot"));
    let second = current(data.path());
    assert_ne!(second, first);
    assert!(run(&[]).contains("nothing changed"));

    // --force publishes the same files again.
    assert!(run(&["--force"]).contains("published snapshot"));
    let third = current(data.path());
    assert_ne!(third, second);

    // A damaged current snapshot is not "unchanged": it is replaced.
    let values = data
        .path()
        .join("snapshots")
        .join(&third)
        .join("values.parquet");
    let mut bytes = std::fs::read(&values).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&values, bytes).unwrap();
    assert!(run(&[]).contains("published snapshot"));
    assert_ne!(current(data.path()), third);
}

#[test]
fn a_missing_source_directory_and_a_bad_catalogue_have_distinct_exit_codes() {
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().to_str().unwrap();
    let out = lmi(&[
        "refresh",
        "--from",
        "/nonexistent/lmi",
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no file found in /nonexistent/lmi"),
        "{}",
        stderr(&out)
    );

    let catalogue = data.path().join("bad.toml");
    std::fs::write(&catalogue, "[[source]]\nid = 1\n").unwrap();
    let out = lmi(&[
        "refresh",
        "--from",
        sample_dir().to_str().unwrap(),
        "--data-dir",
        data_arg,
        "--catalogue",
        catalogue.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("source catalogue"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn refresh_reads_the_shared_real_data_directory_as_laid_out() {
    let Some(real) = lmi_testkit::real_data("refresh_reads_the_shared_real_data_directory") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let out = lmi(&[
        "refresh",
        "--from",
        real.to_str().unwrap(),
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2015/16, 2016/17, 2017/18, 2018/19, 2019/20, 2020/21, 2021/22, 2022/23"),
        "{stdout}"
    );
    assert!(!stdout.contains("SAMPLE"), "{stdout}");
    // Retired counties and combined authorities and the GLA are reported; every district code of
    // every vintage must be known.
    for line in stdout.lines().filter(|l| l.contains("warning")) {
        let codes = line.rsplit(": ").next().unwrap();
        for code in codes.split(", ") {
            assert!(
                !["E06", "E07", "E08", "E09"].contains(&&code[..3]),
                "unknown district {code}: {line}"
            );
        }
    }
}

#[test]
fn validate_passes_a_fresh_snapshot_and_refuses_a_damaged_or_missing_one() {
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().to_str().unwrap();
    let out = lmi(&["validate", "--data-dir", data_arg]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no snapshot has been published"));

    let refresh = lmi(&[
        "refresh",
        "--from",
        sample_dir().to_str().unwrap(),
        "--data-dir",
        data_arg,
    ]);
    assert!(refresh.status.success());
    let out = lmi(&["validate", "--data-dir", data_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", stderr(&out));
    assert!(stdout.contains("snapshot is consistent"), "{stdout}");

    let version = std::fs::read_to_string(data.path().join("current")).unwrap();
    let values = data
        .path()
        .join("snapshots")
        .join(version.trim())
        .join("values.parquet");
    let mut bytes = std::fs::read(&values).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&values, bytes).unwrap();
    let out = lmi(&["validate", "--data-dir", data_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is damaged"), "{}", stderr(&out));
}

/// A one-request HTTP server on a loopback port: the request it received (head and body).
fn one_request_server() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/T0KEN", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .unwrap();
        String::from_utf8_lossy(&got).into_owned()
    });
    (url, handle)
}

#[test]
fn a_failed_refresh_runs_the_failure_command_and_posts_the_webhook() {
    let data = tempfile::tempdir().unwrap();
    let marker = data.path().join("alerted.txt");
    let (url, server) = one_request_server();
    let missing = data.path().join("no-such-dir");
    let out = lmi(&[
        "refresh",
        "--from",
        missing.to_str().unwrap(),
        "--data-dir",
        data.path().join("d").to_str().unwrap(),
        "--on-failure",
        &format!(
            "printf '%s %s %s' \"$LMI_EXIT_CODE\" \"$LMI_OUTCOME\" \"$LMI_MESSAGE\" > {}",
            marker.display()
        ),
        "--alert-webhook",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let alerted = std::fs::read_to_string(&marker).unwrap();
    assert!(
        alerted.starts_with("1 nothing_published ") && alerted.contains("no-such-dir"),
        "{alerted}"
    );
    let request = server.join().unwrap();
    assert!(request.starts_with("POST /hooks/T0KEN "), "{request}");
    let body: serde_json::Value =
        serde_json::from_str(request.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(body["event"], "lmi_refresh_failed");
    assert_eq!(body["exit_code"], 1);
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("ended 1 (nothing_published)"),
        "{body}"
    );
    // The webhook URL holds a token: it is never printed.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("T0KEN"));

    // A refresh that ends 0 alerts nobody; an alert that cannot be delivered is a warning, not
    // a different exit code.
    let ok = lmi(&[
        "refresh",
        "--from",
        sample_dir().to_str().unwrap(),
        "--data-dir",
        data.path().join("d").to_str().unwrap(),
        "--on-failure",
        "exit 9",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    let unreachable = lmi(&[
        "refresh",
        "--from",
        missing.to_str().unwrap(),
        "--data-dir",
        data.path().join("d").to_str().unwrap(),
        "--on-failure",
        "exit 9",
    ]);
    assert_eq!(unreachable.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unreachable.stderr);
    assert!(
        stderr.contains("the failure alert was not delivered: --on-failure command: `exit 9` ended with exit status: 9"),
        "{stderr}"
    );
    // A malformed webhook URL is a configuration error naming the setting.
    let bad = lmi(&["refresh", "--from", "x", "--alert-webhook", "not a url"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("alert.webhook"));
}
