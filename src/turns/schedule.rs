//! A schedule: the choice points at which the running task gives way, as a
//! short string that replays a run exactly.

use std::fmt;
use std::str::FromStr;

/// The choice points at which the running task gives way, counted from 0
/// in the order the run reaches them. Written `3,17` (switches at points 3
/// and 17), or `none` for tokio's own order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    switches: Vec<u64>,
}

impl Schedule {
    /// tokio's own order: no forced switch.
    pub fn baseline() -> Self {
        Schedule::default()
    }

    /// A schedule with forced switches at `points` (in any order).
    pub fn switching_at(points: impl IntoIterator<Item = u64>) -> Self {
        let mut switches: Vec<u64> = points.into_iter().collect();
        switches.sort_unstable();
        switches.dedup();
        Schedule { switches }
    }

    /// The choice points with a forced switch, in order.
    pub fn switches(&self) -> &[u64] {
        &self.switches
    }

    pub(crate) fn without(&self, drop: std::ops::Range<usize>) -> Schedule {
        let mut switches = self.switches.clone();
        switches.drain(drop);
        Schedule { switches }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.switches.is_empty() {
            return f.write_str("none");
        }
        for (i, point) in self.switches.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{point}")?;
        }
        Ok(())
    }
}

/// What a schedule looks like, for the errors that expect one.
pub(crate) const SCHEDULE_FORM: &str =
    "a schedule as an exploration prints it: the choice points to switch at, \
     whole numbers separated by commas like `3,17`, or `none`";

/// A schedule string that is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    /// What was given.
    pub given: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not {SCHEDULE_FORM}", self.given)
    }
}

impl std::error::Error for ScheduleError {}

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ScheduleError {
            given: text.to_string(),
        };
        let text = text.trim();
        if text == "none" {
            return Ok(Schedule::baseline());
        }
        let points = text
            .split(',')
            .map(|point| point.trim().parse::<u64>().map_err(|_| error()))
            .collect::<Result<Vec<u64>, _>>()?;
        Ok(Schedule::switching_at(points))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_reads_back_what_it_writes() {
        for text in ["none", "3", "3,17,40"] {
            assert_eq!(text.parse::<Schedule>().unwrap().to_string(), text);
        }
        assert_eq!(
            "17, 3".parse::<Schedule>().unwrap(),
            Schedule::switching_at([3, 17])
        );
        for bad in ["", "3,", "x", "-1", "3;4", "1.5"] {
            let err = bad.parse::<Schedule>().unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{bad:?} is not a schedule")),
                "{err}"
            );
        }
    }
}
