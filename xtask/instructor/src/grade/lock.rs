//! One grading run at a time per checkout: its scratch workspace and
//! target folder are shared by every run.

use std::path::Path;

use anyhow::{Context, Result};

/// Waits for any other grading run of this checkout to end, and keeps
/// others waiting while the returned file is open: two runs would write
/// each other's submissions into the one scratch workspace.
pub fn one_grader_at_a_time(checkout: &Path) -> Result<std::fs::File> {
    let target = checkout.join("target");
    std::fs::create_dir_all(&target)?;
    // Beside target/grading, which contained builds may write, not in it.
    let path = target.join("grading.lock");
    let lock =
        std::fs::File::create(&path).with_context(|| format!("opening {}", path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another `cargo xtask grade` of this checkout to finish (it holds target/grading.lock)"
            );
            lock.lock()
                .with_context(|| format!("locking {}", path.display()))?;
        }
        Err(std::fs::TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("locking {}", path.display()));
        }
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::one_grader_at_a_time;

    #[test]
    fn a_second_run_cannot_take_the_lock_until_the_first_lets_go() {
        let checkout = tempfile::tempdir().unwrap();
        let held = one_grader_at_a_time(checkout.path()).unwrap();
        let other = std::fs::File::open(checkout.path().join("target/grading.lock")).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().unwrap();
    }
}
