//! Smoke tests of the workload helper. Having an integration test here also
//! makes `cargo test --workspace` build `target/<profile>/dtrace-workload`,
//! which the D test runner (crates/dtrace/tests/d_scripts.rs) uses.

use std::process::Command;

fn workload() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dtrace-workload"))
}

#[test]
fn every_command_runs_quietly_and_exits_0() {
    let cases: &[&[&str]] = &[
        &["getppid", "1000"],
        &["write", "10"],
        &["read", "10"],
        &["open", "3", "/dev/null"],
        &["open", "3", "/nonexistent/file"],
        &["sleep", "1"],
        &["spin", "1"],
        &["exec", "2"],
        &["--delay-ms", "1", "getppid", "1"],
    ];
    for args in cases {
        let out = workload().args(*args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {:?}", out.status);
        assert!(out.stdout.is_empty(), "{args:?} printed {:?}", out.stdout);
    }
}

#[test]
fn say_prints_once_at_the_end() {
    let out = workload()
        .args(["--say", "done", "getppid", "5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"done\n");
}

#[test]
fn wait_start_ends_at_eof() {
    let out = workload()
        .arg("wait-start")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["bogus"][..],
        &["getppid"],
        &["getppid", "x"],
        &["--nope", "sleep", "1"],
    ] {
        let st = workload().args(args).output().unwrap().status;
        assert_eq!(st.code(), Some(2), "{args:?}");
    }
}
