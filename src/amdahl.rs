//! Amdahl's law: how much more workers can help, and how much they did.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::config::Config;

/// The speedup on `workers` workers of a program whose fraction `parallel`
/// (0..=1) can run in parallel: `1 / ((1 - p) + p / n)`.
pub fn speedup(parallel: f64, workers: usize) -> f64 {
    1.0 / ((1.0 - parallel) + parallel / workers as f64)
}

/// The most any number of workers can give: `1 / (1 - p)` (infinite at p = 1).
pub fn ceiling(parallel: f64) -> f64 {
    1.0 / (1.0 - parallel)
}

/// The Karp–Flatt metric: the serial fraction implied by a measured speedup
/// on `workers` (≥ 2) workers, `(1/s - 1/n) / (1 - 1/n)`. It includes the
/// overhead of running in parallel, so it tends to grow with `n` when
/// overhead, not the program's serial part, is what limits the speedup.
pub fn karp_flatt(measured_speedup: f64, workers: usize) -> f64 {
    assert!(
        workers >= 2,
        "the Karp-Flatt metric needs at least 2 workers"
    );
    let n = workers as f64;
    (1.0 / measured_speedup - 1.0 / n) / (1.0 - 1.0 / n)
}

/// One line of the reference page's table: speedups at 4 and 16 workers and
/// the ceiling, for the parallel fraction `p`.
pub fn table_row(parallel: f64) -> String {
    format!(
        "P={parallel:.2}  | 4 cores: {:5.2}x | 16 cores: {:5.2}x | ceiling: {:6.2}x",
        speedup(parallel, 4),
        speedup(parallel, 16),
        ceiling(parallel)
    )
}

/// The parallel fractions the reference page tabulates.
pub const PAGE_FRACTIONS: [f64; 4] = [0.50, 0.90, 0.95, 0.99];

/// The reference page's table, one line per fraction.
pub fn table(fractions: &[f64]) -> String {
    fractions.iter().map(|&p| table_row(p) + "\n").collect()
}

/// A workload measured at worker counts 1..=N.
#[derive(Debug, Clone)]
pub struct Scaling {
    /// One row per worker count measured, fewest workers first.
    pub rows: Vec<ScalingRow>,
    /// Mean Karp–Flatt serial fraction over the rows with ≥ 2 workers,
    /// clamped to 0..=1 (`None` with one row).
    pub serial_fraction: Option<f64>,
    /// The workload's parallel fraction, when it is known by design (see
    /// [`Scaling::by_design`]): Amdahl's predictions then come from it.
    pub parallel_by_design: Option<f64>,
    /// CPUs this process could use when it measured.
    pub cpus: usize,
}

/// Measurements at one worker count.
#[derive(Debug, Clone)]
pub struct ScalingRow {
    /// The worker limit of these runs.
    pub workers: usize,
    /// Median wall time over the repetitions.
    pub median: Duration,
    /// Every repetition's wall time, in the order measured.
    pub samples: Vec<Duration>,
    /// Time at 1 worker divided by time here.
    pub speedup: f64,
    /// Amdahl's law with the workload's parallel fraction by design: a
    /// prediction made before measuring (`None` without a design).
    pub predicted: Option<f64>,
    /// Amdahl's law with the serial fraction fitted to these very
    /// measurements (`serial_fraction`): it restates them, it predicts
    /// nothing; kept to show how far the fit is from the design.
    pub fitted: f64,
    /// The serial fraction this row alone implies (rows with ≥ 2 workers).
    pub karp_flatt: Option<f64>,
    /// The most tasks seen running at once in the last repetition.
    pub observed_parallelism: usize,
}

impl ScalingRow {
    /// The fastest and the slowest repetition.
    pub fn spread(&self) -> (Duration, Duration) {
        let fastest = self.samples.iter().min().copied().unwrap_or(self.median);
        let slowest = self.samples.iter().max().copied().unwrap_or(self.median);
        (fastest, slowest)
    }
}

impl Scaling {
    /// Builds the report from medians measured at worker counts 1..=N (in
    /// order). Pure arithmetic: testable without timing anything.
    pub fn from_medians(medians: &[(usize, Duration)]) -> Scaling {
        let base = medians
            .first()
            .map_or(0.0, |(_, d)| d.as_secs_f64())
            .max(f64::MIN_POSITIVE);
        let mut rows: Vec<ScalingRow> = medians
            .iter()
            .map(|&(workers, median)| {
                let speedup = base / median.as_secs_f64().max(f64::MIN_POSITIVE);
                ScalingRow {
                    workers,
                    median,
                    samples: vec![median],
                    speedup,
                    predicted: None,
                    fitted: 1.0,
                    karp_flatt: (workers >= 2).then(|| karp_flatt(speedup, workers)),
                    observed_parallelism: 0,
                }
            })
            .collect();
        let estimates: Vec<f64> = rows.iter().filter_map(|r| r.karp_flatt).collect();
        let serial_fraction = (!estimates.is_empty())
            .then(|| (estimates.iter().sum::<f64>() / estimates.len() as f64).clamp(0.0, 1.0));
        for row in &mut rows {
            row.fitted = speedup(1.0 - serial_fraction.unwrap_or(0.0), row.workers);
        }
        Scaling {
            rows,
            serial_fraction,
            parallel_by_design: None,
            cpus: crate::available_parallelism(),
        }
    }

    /// The workload's parallel fraction is `parallel` by construction:
    /// predict each row's speedup from it (Amdahl's law, before looking at
    /// the measurements), so that the table compares a prediction with a
    /// measurement instead of a measurement with itself.
    pub fn by_design(mut self, parallel: f64) -> Scaling {
        let parallel = parallel.clamp(0.0, 1.0);
        for row in &mut self.rows {
            row.predicted = Some(speedup(parallel, row.workers));
        }
        self.parallel_by_design = Some(parallel);
        self
    }

    /// What in these measurements needs explaining, in words: a run slower
    /// on more workers, more workers than CPUs, a wide spread, a speedup
    /// far below the prediction. Empty when nothing stands out.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let base = self.rows.first().map(|r| r.median);
        for row in &self.rows {
            let n = row.workers;
            let (fastest, slowest) = row.spread();
            if n > self.cpus {
                notes.push(format!(
                    "{n} workers on {} CPUs: past {}, workers take turns on the same CPUs, so \
                     no speedup beyond {}x can come from them",
                    self.cpus, self.cpus, self.cpus
                ));
            }
            if n >= 2 && row.speedup > 1.05 * n as f64 {
                notes.push(format!(
                    "at {n} workers {:.2}x: more than {n} workers can give. The runs at 1 worker \
                     were slowed by something else (the machine was busy then), so every \
                     speedup here is inflated and Karp-Flatt's fraction comes out too low \
                     ({:.3}); measure again before reading the law into it",
                    row.speedup,
                    row.karp_flatt.unwrap_or(0.0)
                ));
            } else if n >= 2 && row.speedup < 1.0 {
                notes.push(format!(
                    "at {n} workers the median run was SLOWER than at 1 ({:.2}x): the workers \
                     got less CPU than they asked for. On a shared machine another program took \
                     a CPU during those runs (its fastest run took {}, against a median of {} at \
                     1 worker); run it again on a quieter machine before concluding anything",
                    row.speedup,
                    millis(fastest),
                    base.map_or_else(String::new, millis)
                ));
            } else if let Some(predicted) = row.predicted.filter(|_| n >= 2) {
                if row.speedup < 0.75 * predicted {
                    notes.push(format!(
                        "at {n} workers {:.2}x, against Amdahl's {predicted:.2}x: what the law \
                         leaves out (spawning, stealing, caches, CPUs that share a core, other \
                         programs) cost the difference; Karp-Flatt puts the serial fraction at \
                         {:.3}, against {:.3} by design",
                        row.speedup,
                        row.karp_flatt.unwrap_or(1.0),
                        1.0 - self.parallel_by_design.unwrap_or(1.0)
                    ));
                }
            }
            let median = row.median.as_secs_f64().max(f64::MIN_POSITIVE);
            if (slowest - fastest).as_secs_f64() > 0.3 * median {
                notes.push(format!(
                    "at {n} worker{} the runs spread from {} to {} (more than 30% of the \
                     median): the machine was busy. The median resists one slow run; a single \
                     run would not",
                    if n == 1 { "" } else { "s" },
                    millis(fastest),
                    millis(slowest)
                ));
            }
        }
        notes
    }

    /// Runs `workload` `repeats` times at each worker count 1..=`max_workers`,
    /// going round the worker counts in turn so that noise on a shared
    /// machine spreads over all of them, and reports medians.
    pub fn measure<W, F>(max_workers: usize, repeats: usize, workload: W) -> Scaling
    where
        W: Fn() -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let counts: Vec<usize> = (1..=max_workers.max(1)).collect();
        let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); counts.len()];
        let mut parallelism = vec![0; counts.len()];
        for _ in 0..repeats.max(1) {
            for (i, &workers) in counts.iter().enumerate() {
                let config = Config::new().workers(workers).env_override(false);
                let future = workload();
                let started = Instant::now();
                let run = crate::run(config, future).expect("a worker count of at least 1");
                samples[i].push(started.elapsed());
                parallelism[i] = run.trace.observed_parallelism();
            }
        }
        let medians: Vec<(usize, Duration)> = counts
            .iter()
            .zip(&samples)
            .map(|(&w, s)| (w, median(s)))
            .collect();
        let mut scaling = Scaling::from_medians(&medians);
        for ((row, s), p) in scaling.rows.iter_mut().zip(samples).zip(parallelism) {
            row.samples = s;
            row.observed_parallelism = p;
        }
        scaling
    }
}

/// The machine a measurement ran on, in words: the CPU's model, how many
/// CPUs this process may use, and how many share a core where they do
/// (Amdahl's law assumes workers that do not slow each other down).
/// Reads `/proc/cpuinfo`; elsewhere the model is "an unknown CPU".
pub fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim_start_matches([' ', '\t', ':']).trim())
    };
    let cpu = field("model name").unwrap_or("an unknown CPU");
    let count = |name: &str| field(name).and_then(|v| v.parse::<usize>().ok());
    let sharing = match (count("siblings"), count("cpu cores")) {
        (Some(siblings), Some(cores)) if cores > 0 && siblings > cores => {
            format!(", {} CPUs to a core", siblings / cores)
        }
        _ => String::new(),
    };
    format!(
        "{cpu}, {} CPUs available{sharing}",
        crate::available_parallelism()
    )
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

impl fmt::Display for Scaling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prediction = self.parallel_by_design.map(|p| format!("Amdahl P={p:.3}"));
        write!(f, "workers | median     | fastest-slowest     | speedup")?;
        if let Some(head) = &prediction {
            write!(f, " | {head}")?;
        }
        let width = prediction.as_ref().map_or(0, |h| h.len() - 1);
        writeln!(f, " | Karp-Flatt | seen at once")?;
        for row in &self.rows {
            let kf = row
                .karp_flatt
                .map_or_else(|| "-".to_string(), |e| format!("{e:.3}"));
            let (fastest, slowest) = row.spread();
            write!(
                f,
                "{:>7} | {:>10} | {:>19} | {:>6.2}x",
                row.workers,
                millis(row.median),
                format!("{}-{}", millis(fastest), millis(slowest)),
                row.speedup,
            )?;
            if let Some(predicted) = row.predicted {
                write!(f, " | {predicted:>width$.2}x")?;
            }
            writeln!(f, " | {kf:>10} | {:>12}", row.observed_parallelism)?;
        }
        match (self.serial_fraction, self.parallel_by_design) {
            (Some(e), Some(p)) => writeln!(
                f,
                "serial fraction: {:.3} by design, {e:.3} measured (Karp-Flatt, the mean)",
                1.0 - p
            )?,
            (Some(e), None) => writeln!(
                f,
                "estimated serial fraction: {e:.3} ({})",
                ceiling_in_words(e)
            )?,
            (None, _) => writeln!(f, "one worker count only: no serial fraction to estimate")?,
        }
        for note in self.notes() {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

/// The most any number of workers could give, for a serial fraction `e`.
pub fn ceiling_in_words(e: f64) -> String {
    if e <= 0.0 {
        "no ceiling: nothing measured was serial, which noise can make look so".to_string()
    } else {
        format!("ceiling {:.1}x", ceiling(1.0 - e))
    }
}

/// A duration in milliseconds, as every barista report writes real time.
fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_page_table_has_the_same_numbers() {
        // The four lines the Go program on the reference page prints.
        let expected = "\
P=0.50  | 4 cores:  1.60x | 16 cores:  1.88x | ceiling:   2.00x
P=0.90  | 4 cores:  3.08x | 16 cores:  6.40x | ceiling:  10.00x
P=0.95  | 4 cores:  3.48x | 16 cores:  9.14x | ceiling:  20.00x
P=0.99  | 4 cores:  3.88x | 16 cores: 13.91x | ceiling: 100.00x
";
        assert_eq!(table(&PAGE_FRACTIONS), expected);
    }

    #[test]
    fn the_machine_is_named_with_its_cpu_count() {
        let machine = machine();
        let cpus = format!(", {} CPUs available", crate::available_parallelism());
        assert!(machine.contains(&cpus), "{machine}");
        assert!(!machine.starts_with(','), "no CPU model: {machine}");
    }

    #[test]
    fn law_limits() {
        assert_eq!(speedup(0.0, 16), 1.0);
        assert_eq!(speedup(1.0, 16), 16.0);
        assert!((ceiling(0.95) - 20.0).abs() < 1e-9);
        assert!(speedup(0.95, 1_000_000) < ceiling(0.95));
    }

    #[test]
    fn karp_flatt_recovers_the_serial_fraction_of_an_amdahl_program() {
        for serial in [0.0, 0.05, 0.3] {
            for n in [2, 4, 16] {
                let s = speedup(1.0 - serial, n);
                assert!((karp_flatt(s, n) - serial).abs() < 1e-9, "{serial} {n}");
            }
        }
    }

    #[test]
    fn report_from_medians() {
        // 10% serial: 1 worker 100 ms, 2 workers 55 ms, 4 workers 32.5 ms.
        let scaling = Scaling::from_medians(&[
            (1, Duration::from_micros(100_000)),
            (2, Duration::from_micros(55_000)),
            (4, Duration::from_micros(32_500)),
        ]);
        let e = scaling.serial_fraction.unwrap();
        assert!((e - 0.1).abs() < 1e-9, "{e}");
        assert!((scaling.rows[2].speedup - 100.0 / 32.5).abs() < 1e-9);
        // The fitted line restates the measurements; only a design predicts.
        assert!((scaling.rows[2].fitted - scaling.rows[2].speedup).abs() < 1e-9);
        assert_eq!(scaling.rows[2].predicted, None);
        let designed = scaling.clone().by_design(0.9);
        assert!((designed.rows[2].predicted.unwrap() - speedup(0.9, 4)).abs() < 1e-9);
        assert!(designed
            .to_string()
            .contains("serial fraction: 0.100 by design, 0.100 measured"));
        assert_eq!(scaling.rows[0].karp_flatt, None);
        let text = scaling.to_string();
        assert!(text.contains("estimated serial fraction: 0.100"), "{text}");
    }

    #[test]
    fn an_outlier_is_explained_not_fitted() {
        let ms = Duration::from_millis;
        let mut scaling =
            Scaling::from_medians(&[(1, ms(100)), (2, ms(120)), (4, ms(40))]).by_design(0.9);
        scaling.cpus = 2;
        scaling.rows[1].samples = vec![ms(60), ms(120), ms(200)];
        let notes = scaling.notes().join("\n");
        assert!(
            notes.contains("at 2 workers the median run was SLOWER than at 1 (0.83x)"),
            "{notes}"
        );
        assert!(notes.contains("its fastest run took 60.0 ms"), "{notes}");
        assert!(
            notes.contains("at 2 workers the runs spread from 60.0 ms to 200.0 ms"),
            "{notes}"
        );
        assert!(notes.contains("4 workers on 2 CPUs"), "{notes}");
        let fast = Scaling::from_medians(&[(1, ms(100)), (2, ms(38))]);
        let notes = fast.notes().join("\n");
        assert!(
            notes.contains("at 2 workers 2.63x: more than 2 workers can give"),
            "{notes}"
        );
        // 2.5x against 3.08x predicted is within a quarter: no note on it.
        assert!(!notes.contains("at 4 workers 2.50x"), "{notes}");
        let quiet = Scaling::from_medians(&[(1, ms(100)), (2, ms(56))]).by_design(0.9);
        assert!(
            quiet.notes().is_empty() || quiet.cpus < 2,
            "{:?}",
            quiet.notes()
        );
    }

    #[test]
    fn medians() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(&[ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&[]), Duration::ZERO);
    }
}
