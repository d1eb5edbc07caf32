//! Running the `lmi` binary as a user would, and looking at what it left on disk.

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
