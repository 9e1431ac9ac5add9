//! The toolchain promise stays true: one `rust-version` for the whole
//! workspace, inherited by every crate along with the shared lints, no
//! locked dependency needing a newer Rust, and the README saying the same.
//! (Clippy's `incompatible_msrv`, denied in `[workspace.lints]`, keeps the
//! code itself within it.)

use std::path::{Path, PathBuf};

use cargo_metadata::semver::Version;
use cargo_metadata::MetadataCommand;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The workspace's `rust-version`, as `[workspace.package]` declares it.
fn declared() -> Version {
    let root = manifest(&repo_root().join("Cargo.toml"));
    let version = root["workspace"]["package"]["rust-version"]
        .as_str()
        .expect("[workspace.package] declares rust-version")
        .to_string();
    let padded = match version.matches('.').count() {
        1 => format!("{version}.0"),
        _ => version,
    };
    Version::parse(&padded).unwrap()
}

#[test]
fn every_crate_inherits_the_workspace_rust_version_and_lints() {
    let metadata = MetadataCommand::new()
        .current_dir(repo_root())
        .no_deps()
        .other_options(vec!["--locked".into(), "--offline".into()])
        .exec()
        .unwrap();
    let members: Vec<_> = metadata.workspace_packages();
    assert!(members.len() >= 6, "the workspace's crates: {members:?}");
    let declared = declared();
    for package in members {
        let own = manifest(package.manifest_path.as_std_path());
        // `workspace = true` under `value`: it is the workspace's.
        let inherited = |value: Option<&toml::Value>| {
            value
                .and_then(|value| value.get("workspace"))
                .and_then(toml::Value::as_bool)
                == Some(true)
        };
        let rust_version = own.get("package").and_then(|p| p.get("rust-version"));
        assert!(
            inherited(rust_version),
            "{}: rust-version.workspace = true",
            package.manifest_path
        );
        assert!(
            inherited(own.get("lints")),
            "{}: [lints] workspace = true",
            package.manifest_path
        );
        assert_eq!(
            package.rust_version.as_ref(),
            Some(&declared),
            "{} as cargo reads it",
            package.name
        );
    }
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_workspace_declares() {
    // Not `--offline`: `cargo metadata` reads every locked package's
    // manifest, other platforms' too, which a build here never downloaded.
    let metadata = MetadataCommand::new()
        .current_dir(repo_root())
        .other_options(vec!["--locked".into()])
        .exec()
        .unwrap();
    let declared = declared();
    let newer: Vec<String> = metadata
        .packages
        .iter()
        .filter(|package| package.rust_version.as_ref().is_some_and(|v| *v > declared))
        .map(|package| {
            format!(
                "{} {} needs {}",
                package.name,
                package.version,
                package.rust_version.as_ref().unwrap()
            )
        })
        .collect();
    assert!(
        newer.is_empty(),
        "raise [workspace.package] rust-version (now {declared}), or pin these: {newer:?}"
    );
}

#[test]
fn the_readme_states_the_workspace_rust_version() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let declared = declared();
    let stated = format!(
        "Rust toolchain ({}.{} or newer)",
        declared.major, declared.minor
    );
    assert!(readme.contains(&stated), "README.md should say {stated:?}");
}
