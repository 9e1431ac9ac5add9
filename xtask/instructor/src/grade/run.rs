//! The run stage: one exercise's tests in a contained process, in a folder
//! of its own (the only one it may write), with a fresh verdict file on
//! descriptor 3; what the tests reported there, and how the process ended.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::model::Verdicts;
use super::sandbox::{remove_tree, set_env, Policy, Sandbox};
use xtask::process::{self, Finished};

/// Of a verdict file, no more than this is read.
const VERDICTS_CAP: u64 = 64 * 1024;

/// Where and how the grader's test processes run.
pub struct Runs<'a> {
    pub sandbox: &'a Sandbox,
    /// A test process's policy; each run adds its own folder.
    pub policy: &'a Policy,
}

/// What one run reported and how it ended.
pub struct Ran {
    /// What the tests' pristine bodies reported: passes, and times.
    pub verdicts: Verdicts,
    pub finished: Finished,
}

impl Runs<'_> {
    /// Runs the tests `names` of `binary` (by exact name, nothing else),
    /// contained, in `folder/runs/label`; its verdicts in
    /// `folder/verdicts/label`.
    pub fn run(
        &self,
        binary: &Path,
        folder: &Path,
        label: &str,
        names: &[String],
        limit: Duration,
    ) -> Result<Ran> {
        if names.is_empty() {
            // libtest given no name runs every test: the submission's too.
            return Ok(Ran {
                verdicts: Verdicts::read(""),
                finished: Finished {
                    passed: true,
                    timed_out: false,
                    status_code: Some(0),
                    output: String::new(),
                },
            });
        }
        let tmp = folder.join("runs").join(label);
        remove_tree(&tmp);
        std::fs::create_dir_all(&tmp)?;
        std::fs::create_dir_all(folder.join("verdicts"))?;
        let verdict_path = folder.join("verdicts").join(label);
        let verdict_file = std::fs::File::create(&verdict_path)?;
        let mut policy = self.policy.clone();
        // It reads its own binary's folder, nothing else of the grader's.
        policy.reads.extend(binary.parent().map(Path::to_path_buf));
        policy.fresh.push(tmp.clone());
        policy.cwd = tmp.clone();
        set_env(&mut policy.env, "TMPDIR", tmp.as_os_str());
        set_env(&mut policy.env, "HOME", tmp.as_os_str());
        let mut command = self.sandbox.command(&policy, Some(&verdict_file), binary);
        command.args(["--color", "never", "--test-threads=8", "--exact"]);
        command.args(names);
        let finished = process::run_with_deadline(command, limit)?;
        drop(verdict_file);
        let verdicts = Verdicts::read(&read_capped(&verdict_path, VERDICTS_CAP));
        Ok(Ran { verdicts, finished })
    }
}

/// A copy of `binary` where its runs may read it (`folder/bin/N/`, a folder
/// of its own: a run reads its binary's folder, and no other binary). The
/// copy, not the build's own file: the next build overwrites that one while
/// this submission's runs go on.
pub fn runnable(binary: &Path, folder: &Path) -> Result<PathBuf> {
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = binary.file_name().context("a test binary without a name")?;
    let own = folder.join("bin").join(n.to_string());
    std::fs::create_dir_all(&own)?;
    let copy = own.join(name);
    std::fs::copy(binary, &copy)
        .with_context(|| format!("copying {} to {}", binary.display(), copy.display()))?;
    Ok(copy)
}

/// At most `cap` bytes of a file, as text (a sparse file of gigabytes is
/// never read whole).
fn read_capped(path: &Path, cap: u64) -> String {
    use std::io::Read;
    let mut text = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(cap).read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}
