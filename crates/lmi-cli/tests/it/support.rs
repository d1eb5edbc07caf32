//! Running the `lmi` binary as a user would, and looking at what it left on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `lmi ARGS` ready to run: warnings logged, and none of the test runner's own `LMI_*` settings
/// inherited (a developer's `LMI_ADDR` or `LMI_DASHBOARDS` must not change what a test sees);
/// a test names the variables it means with `.env`.
pub fn lmi_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmi"));
    cmd.args(args).env("RUST_LOG", "warn");
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("LMI_") {
            cmd.env_remove(var);
        }
    }
    cmd
}

/// `lmi ARGS` run to completion.
pub fn lmi(args: &[&str]) -> Output {
    lmi_with(args, &[])
}

/// `lmi ARGS` run to completion with these environment variables.
pub fn lmi_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    lmi_command(args)
        .envs(env.iter().copied())
        .output()
        .expect("run lmi")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes: a byte-for-byte picture of a data directory.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// `src` copied under `dst`, recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let to = dst.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            copy_dir(&path, &to);
        } else {
            std::fs::copy(&path, &to).unwrap();
        }
    }
}
