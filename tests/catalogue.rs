//! The bug catalogue of `cargo xtask bench` (benches/catalogue), checked
//! here on barista alone: each bug passes in tokio's own order at one
//! worker (it hides there), and barista's default strategy finds it within
//! 1,000 schedules, with a failure that replays.

use std::time::Duration;

use barista::explore::{self, Exploration, Explore, Outcome};

#[path = "../benches/catalogue/src/barista_bugs.rs"]
mod bugs;

/// A deadlocked schedule shows as a run past this.
const RUN_LIMIT: Duration = Duration::from_millis(500);

#[test]
fn every_bug_hides_at_the_baseline_and_the_default_strategy_finds_it() {
    for (name, _, body) in bugs::BUGS {
        let options = Explore::new(1000).run_limit(RUN_LIMIT).shrink(false);
        let exploration = explore::explore(&options, body);
        let Exploration::Failed(failure) = &exploration else {
            panic!("{name}: {exploration:?}");
        };
        assert!(
            matches!(failure.baseline.outcome, Outcome::Returned(_)),
            "{name}"
        );
        // What the failing schedule did, it does again.
        let again = explore::run_schedule(&options, &body, &failure.found.schedule, RUN_LIMIT);
        assert_eq!(again.outcome, failure.found.outcome, "{name}");
        eprintln!(
            "{name}: found after {} schedules: {} / {}",
            failure.tried, failure.found.schedule, failure.found.outcome
        );
    }
}
