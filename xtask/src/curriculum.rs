//! The curriculum's metadata (`curriculum/exercises.toml`) and where each
//! exercise's files live.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// One exercise, as `curriculum/exercises.toml` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub name: String,
    pub title: String,
    pub topic: String,
    pub section: String,
    pub points: u32,
    /// Hints in steps: the idea, then the API, then the shape of the code.
    pub hints: Vec<String>,
    /// Whether the learner's file compiles as shipped. Only a lesson whose
    /// compiler error is the point (the data race Rust rejects) says no.
    #[serde(default = "compiles_by_default")]
    pub compiles_as_shipped: bool,
}

impl Exercise {
    /// The hint's first `steps` steps (at least one, at most all).
    pub fn hint_steps(&self, steps: usize) -> &[String] {
        &self.hints[..steps.max(1).min(self.hints.len())]
    }
}

fn compiles_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    exercise: Vec<Exercise>,
}

/// The exercises in order, and the workspace they live in.
#[derive(Debug)]
pub struct Curriculum {
    pub root: PathBuf,
    pub exercises: Vec<Exercise>,
}

/// The barista checkout this run acts on, found at run time: never from a
/// path baked in at compile time, because with a shared target folder one
/// `xtask` binary serves every clone.
///
/// First `CARGO_MANIFEST_DIR` as `cargo run` sets it (the `xtask` package
/// folder; the checkout is its parent), if that is a barista checkout; else
/// the nearest folder at or above the current directory that is one.
///
/// One exception: when the current directory is inside a *different*
/// checkout, that one wins. Then `CARGO_MANIFEST_DIR` was inherited from
/// another cargo process (a test running the tool in a copy of the
/// repository), and acting on it would edit the wrong clone's files.
pub fn workspace_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    find_workspace_root(manifest_dir.as_deref(), &cwd)
}

/// [`workspace_root`] with its inputs given: the package folder cargo named
/// (if any) and the current directory.
pub fn find_workspace_root(manifest_dir: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    let is_checkout = |dir: &Path| Curriculum::metadata_path(dir).is_file();
    let around_cwd = cwd
        .ancestors()
        .find(|dir| is_checkout(dir) && dir.join("Cargo.toml").is_file());
    // cargo names the package's folder: xtask/ or xtask/instructor/.
    let from_cargo = manifest_dir.map(|dir| cwd.join(dir)).and_then(|dir| {
        dir.ancestors()
            .skip(1)
            .find(|dir| is_checkout(dir))
            .map(Path::to_path_buf)
    });
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    match (from_cargo, around_cwd) {
        (Some(from_cargo), Some(around_cwd)) if !same(&from_cargo, around_cwd) => {
            Ok(around_cwd.to_path_buf())
        }
        (Some(from_cargo), _) => Ok(from_cargo),
        (None, Some(around_cwd)) => Ok(around_cwd.to_path_buf()),
        (None, None) => bail!(
            "cannot find the barista checkout: run `cargo xtask` inside a clone of barista \
             (no curriculum/exercises.toml above {})",
            cwd.display()
        ),
    }
}

impl Curriculum {
    pub fn metadata_path(root: &Path) -> PathBuf {
        root.join("curriculum/exercises.toml")
    }

    pub fn load(root: &Path) -> Result<Curriculum> {
        let path = Self::metadata_path(root);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let file: File = toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        Ok(Curriculum {
            root: root.to_path_buf(),
            exercises: file.exercise,
        })
    }

    /// The exercise called `name`, or an error listing the close matches.
    pub fn find(&self, name: &str) -> Result<&Exercise> {
        if let Some(exercise) = self.exercises.iter().find(|e| e.name == name) {
            return Ok(exercise);
        }
        // Accept a unique prefix, number or part: `ex05`, `5`, `interleave`.
        let number = name.trim_start_matches("ex");
        let candidates: Vec<&Exercise> = self
            .exercises
            .iter()
            .filter(|e| {
                e.name.starts_with(name)
                    || (name.len() >= 3 && e.name.contains(name))
                    || number
                        .parse::<usize>()
                        .is_ok_and(|n| e.name.starts_with(&format!("ex{n:02}_")))
            })
            .collect();
        if let [only] = candidates[..] {
            return Ok(only);
        }
        let mut close: Vec<(f64, &str)> = self
            .exercises
            .iter()
            .map(|e| (strsim::jaro_winkler(name, &e.name), e.name.as_str()))
            .filter(|(score, _)| *score > 0.7)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let suggestions: Vec<&str> = close.iter().take(3).map(|(_, n)| *n).collect();
        if suggestions.is_empty() {
            bail!("no exercise is called {name:?}; `cargo xtask list` shows them all")
        }
        bail!(
            "no exercise is called {name:?}; did you mean {}?",
            suggestions.join(", ")
        )
    }

    /// `exercises/src/NAME.rs` (the learner's) or `solutions/src/NAME.rs`.
    /// cargo in this curriculum's workspace.
    pub fn cargo(&self) -> crate::cargo::Cargo {
        crate::cargo::Cargo::new(&self.root)
    }

    pub fn source(&self, package: Package, exercise: &Exercise) -> PathBuf {
        self.root
            .join(package.dir())
            .join("src")
            .join(format!("{}.rs", exercise.name))
    }

    /// `PACKAGE/tests/NAME.rs`, the exercise's test target in a crate.
    pub fn test_root(&self, package: Package, exercise: &Exercise) -> PathBuf {
        self.root
            .join(package.dir())
            .join("tests")
            .join(format!("{}.rs", exercise.name))
    }

    /// What [`Curriculum::test_root`] holds: the crate's `src/NAME.rs` as
    /// the module `NAME` (a real module, which editors analyse; one that
    /// does not compile fails only this target), and the pristine tests.
    pub fn test_root_text(&self, exercise: &Exercise) -> String {
        let position = self
            .exercises
            .iter()
            .position(|e| e.name == exercise.name)
            .map_or(0, |i| i + 1);
        let name = &exercise.name;
        format!(
            "//! Exercise {position}'s test target: `src/{name}.rs` as a module of its own (so\n\
             //! that editors analyse it), judged by the pristine tests beside it.\n\
             //! `cargo xtask check` keeps this file as it is.\n\
             \n\
             #[allow(dead_code)]\n\
             #[path = \"../src/{name}.rs\"]\n\
             mod {name};\n\
             \n\
             #[path = \"../../curriculum/tests/{name}.rs\"]\n\
             mod tests;\n"
        )
    }

    /// `curriculum/tests/NAME.rs`, the pristine tests.
    pub fn tests(&self, exercise: &Exercise) -> PathBuf {
        self.root
            .join("curriculum/tests")
            .join(format!("{}.rs", exercise.name))
    }

    /// A path relative to the workspace, as a learner would type it.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The two crates that hold the exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Package {
    Exercises,
    Solutions,
}

impl Package {
    pub fn dir(self) -> &'static str {
        match self {
            Package::Exercises => "exercises",
            Package::Solutions => "solutions",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_parts_find_exercises() {
        let curriculum = Curriculum::load(&workspace_root().unwrap()).unwrap();
        for query in ["ex05_share_by_communicating", "ex05", "5", "05", "share_by"] {
            assert_eq!(
                curriculum.find(query).unwrap().name,
                "ex05_share_by_communicating",
                "{query}"
            );
        }
        let err = curriculum.find("ex05_share_by_comunicating").unwrap_err();
        assert!(
            err.to_string()
                .contains("did you mean ex05_share_by_communicating"),
            "{err}"
        );
        let err = curriculum.find("espresso machine").unwrap_err();
        assert!(err.to_string().contains("cargo xtask list"), "{err}");
    }
}
