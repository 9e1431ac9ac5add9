//! The learner's `cargo xtask` builds only the learner's tool; the
//! instructor's commands are handed on to `xtask/instructor`, with their
//! arguments, the current folder and the exit status kept.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What the learner's first `cargo xtask` compiles: `xtask` and its
/// normal and build dependencies, as cargo resolves them.
fn learners_build() -> Vec<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(repo_root())
        .args(["tree", "--locked", "--offline", "--package", "xtask"])
        .args(["--edges", "normal,build", "--prefix", "none"])
        .args(["--format", "{p} [{f}]"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_learners_build_has_none_of_the_graders_dependencies() {
    let crates = learners_build();
    assert!(
        crates.iter().any(|c| c.starts_with("barista v")),
        "the tree was read: {crates:?}"
    );
    for grader_only in ["instructor v", "landlock v", "enumflags2 v"] {
        assert!(
            !crates.iter().any(|c| c.starts_with(grader_only)),
            "the learner's build compiles {grader_only}: {crates:?}"
        );
    }
    // The grader screens submissions with syn's visitors and span
    // locations; the learner's build needs syn only for the macros.
    for c in crates.iter().filter(|c| c.starts_with("syn v")) {
        assert!(!c.contains("visit,") && !c.ends_with("visit]"), "{c}");
    }
    assert!(
        !crates
            .iter()
            .any(|c| c.starts_with("proc-macro2 v") && c.contains("span-locations")),
        "{crates:?}"
    );
}

#[cfg(unix)]
#[test]
fn instructor_commands_are_handed_on_as_given() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A stand-in for cargo: records how it was called, exits 7.
    let fake = dir.path().join("cargo");
    let record = dir.path().join("called");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n{{ pwd; for a in \"$@\"; do echo \"$a\"; done; }} > '{}'\nexit 7\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let here = dir.path().join("class");
    std::fs::create_dir(&here).unwrap();
    for (command, args) in [
        ("grade", &["CLASS", "--format", "junit", "--help"][..]),
        ("check", &["--repeat", "2"][..]),
        ("bench", &["--quick"][..]),
        ("new", &["ex17_fan_out"][..]),
    ] {
        let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(&here)
            .arg(command)
            .args(args)
            .env("CARGO", &fake)
            .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(7), "{command}: its exit status is kept");
        let called = std::fs::read_to_string(&record).unwrap();
        let mut expected = vec![
            here.canonicalize().unwrap().display().to_string(),
            "run".into(),
            "--manifest-path".into(),
            repo_root().join("Cargo.toml").display().to_string(),
            "--package".into(),
            "instructor".into(),
            "--".into(),
            command.into(),
        ];
        expected.extend(args.iter().map(|a| a.to_string()));
        assert_eq!(called.lines().collect::<Vec<_>>(), expected);
    }
}

/// The learner's command line: `--version`; the time limit only where
/// tests run, and never zero.
#[test]
fn the_time_limit_is_an_option_of_the_commands_that_run_tests() {
    let xtask = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let (code, out) = xtask(&["--version"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("cargo xtask 0."), "{out}");
    for command in ["list", "hint", "reset"] {
        let (code, out) = xtask(&[command, "--time-limit", "3"]);
        assert_eq!(code, Some(2), "{command}: {out}");
        assert!(
            out.contains("unexpected argument '--time-limit'"),
            "{command}: {out}"
        );
    }
    for command in ["run", "verify"] {
        let (_, help) = xtask(&[command, "--help"]);
        assert!(help.contains("--time-limit <SECONDS>"), "{command}: {help}");
        let (code, out) = xtask(&[command, "--time-limit", "0"]);
        assert_eq!(code, Some(2), "{command}: {out}");
        assert!(
            out.contains("invalid value '0' for '--time-limit <SECONDS>': a limit of 0 s"),
            "{command}: {out}"
        );
    }
}
