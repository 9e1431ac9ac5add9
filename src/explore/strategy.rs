//! How schedules are chosen: each strategy's schedules, one per run.

use std::fmt;
use std::str::FromStr;

use crate::turns::Schedule;

/// How the schedules to try are chosen. Every strategy places forced
/// switches at choice points; on tokio's run queue a forced switch is what
/// PCT's priority change is (the running task drops behind every task that
/// is ready), and the run queue's own order is the initial priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Two PCT schedules, then the next exhaustive one, in turn: PCT's odds
    /// on shallow bugs, and exhaustive search's promise that every
    /// schedule with few switches is reached in order.
    #[default]
    Mixed,
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010):
    /// d - 1 switches at points drawn uniformly over the most choice points
    /// a run has reached, for d - 1 = 1, 2, 3 in turn. A bug that needs
    /// d - 1 precise switches among k points is found with probability
    /// about 1/k^(d-1) per schedule, whatever else the program does.
    Pct,
    /// Every choice point switches with a probability that halves from one
    /// schedule to the next (1/2, 1/4, 1/8, 1/16, again): many switches,
    /// cheaply.
    Random,
    /// Every schedule with one forced switch, then every one with two, and
    /// so on (iterative context bounding, as CHESS does, and loom's
    /// preemption bound): the fewest switches first, nothing missed within
    /// a bound. For small bodies.
    Exhaustive,
}

impl Strategy {
    /// Every strategy, by name.
    pub const ALL: [Strategy; 4] = [
        Strategy::Mixed,
        Strategy::Pct,
        Strategy::Random,
        Strategy::Exhaustive,
    ];

    /// The name `strategy = "..."` takes.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Mixed => "mixed",
            Strategy::Pct => "pct",
            Strategy::Random => "random",
            Strategy::Exhaustive => "exhaustive",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                format!("unknown strategy {name:?}: expected \"mixed\", \"pct\", \"random\" or \"exhaustive\"")
            })
    }
}

impl Strategy {
    /// The schedules this strategy tries, in order, over runs of `points`
    /// choice points (the baseline's count), drawn from `seed`.
    pub(crate) fn source(self, seed: u64, points: u64) -> Box<dyn Source> {
        match self {
            Strategy::Mixed => Box::new(Mixed {
                pct: Pct::new(seed, points),
                exhaustive: Exhaustive::new(points),
                made: 0,
            }),
            Strategy::Pct => Box::new(Pct::new(seed, points)),
            Strategy::Random => Box::new(RandomSwitches {
                rng: fastrand::Rng::with_seed(seed),
                points: points.max(1),
                made: 0,
            }),
            Strategy::Exhaustive => Box::new(Exhaustive::new(points)),
        }
    }
}

/// Where the schedules of a search come from, one per run: each strategy a
/// small type behind this trait, as shuttle's schedulers are. Replaying
/// one schedule is a source too ([`Replay`]), so it goes through the same
/// search.
pub(crate) trait Source: Iterator<Item = Schedule> {
    /// A run reached `points` choice points. Random switches are drawn over
    /// the most any run has reached, as PCT's k, its bound on steps, is
    /// (switches make a run longer than the baseline).
    fn saw(&mut self, _points: u64) {}
}

/// PCT: one, two, then three switches at points drawn uniformly.
struct Pct {
    rng: fastrand::Rng,
    points: u64,
    made: u64,
}

impl Pct {
    fn new(seed: u64, points: u64) -> Self {
        Pct {
            rng: fastrand::Rng::with_seed(seed),
            points: points.max(1),
            made: 0,
        }
    }
}

impl Iterator for Pct {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        let n = self.points;
        let switches = (self.made % 3 + 1).min(n);
        self.made += 1;
        let mut points = Vec::new();
        while (points.len() as u64) < switches {
            let point = self.rng.u64(0..n);
            if !points.contains(&point) {
                points.push(point);
            }
        }
        Some(Schedule::switching_at(points))
    }
}

impl Source for Pct {
    fn saw(&mut self, points: u64) {
        self.points = self.points.max(points);
    }
}

/// Every point switching with odds that halve from one schedule to the next.
struct RandomSwitches {
    rng: fastrand::Rng,
    points: u64,
    made: u64,
}

impl Iterator for RandomSwitches {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        let one_in = 2u64 << (self.made % 4);
        self.made += 1;
        let rng = &mut self.rng;
        Some(Schedule::switching_at(
            (0..self.points).filter(|_| rng.u64(0..one_in) == 0),
        ))
    }
}

impl Source for RandomSwitches {
    fn saw(&mut self, points: u64) {
        self.points = self.points.max(points);
    }
}

/// Every schedule with one switch, then every one with two, and so on,
/// over the baseline's points (a longer run changes nothing here).
pub(crate) struct Exhaustive {
    points: u64,
    /// The last combination tried, as choice points.
    combination: Vec<u64>,
}

impl Exhaustive {
    pub(crate) fn new(points: u64) -> Self {
        Exhaustive {
            points: points.max(1),
            combination: Vec::new(),
        }
    }
}

impl Iterator for Exhaustive {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        next_combination(&mut self.combination, self.points)?;
        Some(Schedule::switching_at(self.combination.iter().copied()))
    }
}

impl Source for Exhaustive {}

/// Two PCT schedules, then the next exhaustive one (PCT's alone once
/// exhaustive search has none left).
struct Mixed {
    pct: Pct,
    exhaustive: Exhaustive,
    made: u64,
}

impl Iterator for Mixed {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        let third = self.made % 3 == 2;
        self.made += 1;
        let exhaustive = if third { self.exhaustive.next() } else { None };
        exhaustive.or_else(|| self.pct.next())
    }
}

impl Source for Mixed {
    fn saw(&mut self, points: u64) {
        self.pct.saw(points);
    }
}

/// One given schedule (`BARISTA_SCHEDULE`), then no more.
pub(crate) struct Replay(pub(crate) Option<Schedule>);

impl Iterator for Replay {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        self.0.take()
    }
}

impl Source for Replay {}

/// The next `k`-subset of `0..n` in lexicographic order, or the first
/// `(k + 1)`-subset after the last `k`-subset; `None` after every subset.
fn next_combination(combination: &mut Vec<u64>, n: u64) -> Option<()> {
    let k = combination.len();
    // The rightmost element that can still move right.
    for i in (0..k).rev() {
        if combination[i] < n - (k - i) as u64 {
            combination[i] += 1;
            for j in i + 1..k {
                combination[j] = combination[j - 1] + 1;
            }
            return Some(());
        }
    }
    if k as u64 >= n {
        return None;
    }
    *combination = (0..=k as u64).collect();
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhaustive_tries_every_single_switch_then_every_pair() {
        let tried: Vec<String> = Strategy::Exhaustive
            .source(0, 3)
            .map(|s| s.to_string())
            .collect();
        assert_eq!(tried, ["0", "1", "2", "0,1", "0,2", "1,2", "0,1,2"]);
    }

    #[test]
    fn pct_places_one_two_then_three_switches_within_the_points() {
        let tried: Vec<Schedule> = Strategy::Pct.source(7, 50).take(9).collect();
        let counts: Vec<usize> = tried.iter().map(|s| s.switches().len()).collect();
        assert_eq!(counts, [1, 2, 3, 1, 2, 3, 1, 2, 3]);
        assert!(tried.iter().flat_map(|s| s.switches()).all(|&p| p < 50));
        let again: Vec<Schedule> = Strategy::Pct.source(7, 50).take(9).collect();
        assert_eq!(tried, again, "the same seed tries the same schedules");
    }

    #[test]
    fn pct_draws_over_the_longest_run_seen() {
        let mut schedules = Strategy::Pct.source(7, 3);
        schedules.saw(1000);
        let far = schedules.take(30).flat_map(|s| s.switches().to_vec());
        assert!(far.into_iter().any(|p| p >= 3));
    }

    #[test]
    fn mixed_takes_every_third_from_exhaustive_search_in_order() {
        let tried: Vec<Schedule> = Strategy::Mixed.source(7, 4).take(9).collect();
        let third: Vec<String> = tried
            .iter()
            .skip(2)
            .step_by(3)
            .map(ToString::to_string)
            .collect();
        assert_eq!(third, ["0", "1", "2"]);
    }

    #[test]
    fn random_switches_fewer_as_the_odds_halve() {
        let tried: Vec<Schedule> = Strategy::Random.source(1, 4000).take(4).collect();
        let counts: Vec<usize> = tried.iter().map(|s| s.switches().len()).collect();
        // About 2000, 1000, 500 and 250 of 4000.
        for (count, expected) in counts.iter().zip([2000, 1000, 500, 250]) {
            assert!(count.abs_diff(expected) < expected / 4, "{counts:?}");
        }
    }

    #[test]
    fn strategies_are_named() {
        for strategy in Strategy::ALL {
            assert_eq!(strategy.name().parse::<Strategy>(), Ok(strategy));
        }
        assert!("pcr".parse::<Strategy>().unwrap_err().contains("\"pct\""));
    }
}
