//! `cargo xtask grade --combine FILE...`: barista JSON class reports (each
//! job's `results.json`, e.g. one CI job per student) merged into one class
//! report, which the formats then write like any other.
//!
//! The reports must share the schema version and the exercises (names,
//! titles, points, order); a student may appear in one report only. A
//! protection is claimed for the class only when every report lists it;
//! one that some reports lack is kept as a warning, `NOT active in some
//! jobs: ...`, naming the reports that lack it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::formats;
use super::model::{ClassReport, ExerciseInfo};

/// How a report's own "not active" protections start (see `sandbox`).
const NOT_ACTIVE: &str = "NOT active: ";
/// How a protection that holds for only some of the reports is listed.
pub const NOT_IN_ALL: &str = "NOT active in some jobs: ";
/// How many reports a protection's line names before "and N more".
const NAMED: usize = 5;

/// Reads the class reports at `paths` and combines them.
pub fn read_and_combine(paths: &[PathBuf]) -> Result<ClassReport> {
    let mut reports = Vec::new();
    for path in paths {
        if reports.iter().any(|(seen, _): &(PathBuf, _)| seen == path) {
            bail!("{} is given twice", path.display());
        }
        reports.push((path.clone(), read(path)?));
    }
    combine(&reports)
}

/// One barista class report (`--format json`), its schema version checked
/// before the rest is read.
pub fn read(path: &Path) -> Result<ClassReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    match value.get("schema").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(ClassReport::SCHEMA) => {}
        Some(v) => bail!(
            "{}: schema version {v}, but this barista reads version {} (regrade with the same barista)",
            path.display(),
            ClassReport::SCHEMA
        ),
        None => bail!(
            "{}: no `schema` version: not a barista class report (`cargo xtask grade --format json` writes one)",
            path.display()
        ),
    }
    serde_json::from_value(value)
        .with_context(|| format!("{}: not a barista class report", path.display()))
}

/// Merges `reports` (each with the file it came from, for messages) into
/// one class report: the same exercises, every student once, sorted by
/// name, and the protections every report shares.
pub fn combine(reports: &[(PathBuf, ClassReport)]) -> Result<ClassReport> {
    let Some((first_path, first)) = reports.first() else {
        bail!("--combine: no class reports given");
    };
    let mut owner: HashMap<&str, &Path> = HashMap::new();
    let mut students = Vec::new();
    for (path, report) in reports {
        if report.schema != first.schema {
            bail!(
                "{}: schema version {}, but {} has version {}",
                path.display(),
                report.schema,
                first_path.display(),
                first.schema
            );
        }
        if let Some(difference) = exercises_difference(&first.exercises, &report.exercises) {
            bail!(
                "{} and {} do not grade the same exercises: {difference}",
                first_path.display(),
                path.display()
            );
        }
        for student in &report.students {
            if let Some(other) = owner.insert(&student.student, path) {
                bail!(
                    "student {:?} is in both {} and {}",
                    student.student,
                    other.display(),
                    path.display()
                );
            }
            students.push(student.clone());
        }
    }
    students.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(ClassReport {
        schema: first.schema,
        exercises: first.exercises.clone(),
        students,
        protections: protections(reports),
    })
}

/// The first way `theirs` differs from `ours`, in words; `None` when they
/// are the same exercises, worth the same, in the same order.
fn exercises_difference(ours: &[ExerciseInfo], theirs: &[ExerciseInfo]) -> Option<String> {
    if let Some(e) = ours
        .iter()
        .find(|e| !theirs.iter().any(|t| t.name == e.name))
    {
        return Some(format!("{} is only in the first", e.name));
    }
    if let Some(t) = theirs
        .iter()
        .find(|t| !ours.iter().any(|e| e.name == t.name))
    {
        return Some(format!("{} is only in the second", t.name));
    }
    for (e, t) in ours.iter().zip(theirs) {
        if e.name != t.name {
            return Some(format!(
                "they list the exercises in another order ({} where the first has {})",
                t.name, e.name
            ));
        }
        if e.points != t.points {
            return Some(format!(
                "{} is worth {} in the first, {} in the second",
                e.name,
                formats::number(e.points),
                formats::number(t.points)
            ));
        }
        if e.title != t.title {
            return Some(format!(
                "{} is titled {:?} in the first, {:?} in the second",
                e.name, e.title, t.title
            ));
        }
        if e.tests != t.tests {
            return Some(format!(
                "{}'s pristine tests differ (regrade with the same curriculum)",
                e.name
            ));
        }
    }
    None
}

/// The protections every report lists, as they are; then each one only
/// some list, as a `NOT active in some jobs: ...` line that names the
/// reports without it (or, for a report's own "NOT active: ..." line, the
/// reports that have it).
fn protections(reports: &[(PathBuf, ClassReport)]) -> Vec<String> {
    let mut everywhere = Vec::new();
    let mut somewhere = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (_, report) in reports {
        for protection in &report.protections {
            if seen.contains(&protection.as_str()) {
                continue;
            }
            seen.push(protection);
            let (with, without): (Vec<_>, Vec<_>) = reports
                .iter()
                .partition(|(_, r)| r.protections.contains(protection));
            if without.is_empty() {
                everywhere.push(protection.clone());
            } else if let Some(missing) = protection.strip_prefix(NOT_ACTIVE) {
                somewhere.push(format!("{NOT_IN_ALL}{missing} (in {})", files(&with)));
            } else {
                somewhere.push(format!(
                    "{NOT_IN_ALL}{protection} (missing from {})",
                    files(&without)
                ));
            }
        }
    }
    everywhere.extend(somewhere);
    everywhere
}

/// The reports' paths for a message: the first few, then how many more.
fn files(reports: &[&(PathBuf, ClassReport)]) -> String {
    let mut named: Vec<String> = reports
        .iter()
        .take(NAMED)
        .map(|(path, _)| path.display().to_string())
        .collect();
    if reports.len() > NAMED {
        named.push(format!("and {} more", reports.len() - NAMED));
    }
    named.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    /// The fixture class split in two jobs' reports: ada and cy in one,
    /// "bob <script>" in the other.
    fn two_jobs() -> Vec<(PathBuf, ClassReport)> {
        let class = fixture::class();
        let mut a = class.clone();
        a.students.retain(|s| s.student != "bob <script>");
        a.students.reverse();
        let mut b = class;
        b.students.retain(|s| s.student == "bob <script>");
        vec![
            (PathBuf::from("results/results-a/results.json"), a),
            (PathBuf::from("results/results-b/results.json"), b),
        ]
    }

    #[test]
    fn two_reports_merge_into_the_class() {
        let combined = combine(&two_jobs()).unwrap();
        assert_eq!(combined, fixture::class(), "students sorted, nothing lost");
    }

    #[test]
    fn mismatched_exercises_are_refused() {
        let mut jobs = two_jobs();
        jobs[1].1.exercises.pop();
        let err = combine(&jobs).unwrap_err().to_string();
        assert!(err.contains("results/results-a/results.json"), "{err}");
        assert!(err.contains("results/results-b/results.json"), "{err}");
        assert!(err.contains("ex02_parallel is only in the first"), "{err}");

        let mut jobs = two_jobs();
        jobs[1].1.exercises[1].points = 20.0;
        let err = combine(&jobs).unwrap_err().to_string();
        assert!(
            err.contains("ex02_parallel is worth 10 in the first, 20 in the second"),
            "{err}"
        );

        let mut jobs = two_jobs();
        jobs[1].1.exercises.swap(0, 1);
        let err = combine(&jobs).unwrap_err().to_string();
        assert!(err.contains("another order"), "{err}");

        let mut jobs = two_jobs();
        jobs[1].1.exercises[0].tests[0]
            .code
            .push_str("\nassert!(false);");
        let err = combine(&jobs).unwrap_err().to_string();
        assert!(
            err.contains("ex01_interleaved's pristine tests differ"),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_student_is_refused() {
        let mut jobs = two_jobs();
        let ada = jobs[0].1.students[1].clone();
        assert_eq!(ada.student, "ada");
        jobs[1].1.students.push(ada);
        let err = combine(&jobs).unwrap_err().to_string();
        assert_eq!(
            err,
            "student \"ada\" is in both results/results-a/results.json and results/results-b/results.json"
        );
    }

    #[test]
    fn another_schema_is_refused() {
        let mut jobs = two_jobs();
        jobs[1].1.schema = 2;
        let err = combine(&jobs).unwrap_err().to_string();
        assert!(
            err.starts_with("results/results-b/results.json: schema version 2"),
            "{err}"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        let mut report = serde_json::to_value(fixture::class()).unwrap();
        report["schema"] = 7.into();
        std::fs::write(&path, report.to_string()).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 7"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn a_protection_missing_from_one_report_is_not_claimed() {
        let mut jobs = two_jobs();
        let network = "network cut off (unshare -n)";
        jobs[1].1.protections.retain(|p| p != network);
        jobs[1]
            .1
            .protections
            .push("NOT active: network isolation (`unshare` is not usable here)".into());
        let combined = combine(&jobs).unwrap();
        assert_eq!(
            combined.protections,
            [
                "writes confined to the scratch folder (Landlock)",
                "NOT active in some jobs: network cut off (unshare -n) (missing from results/results-b/results.json)",
                "NOT active in some jobs: network isolation (`unshare` is not usable here) (in results/results-b/results.json)",
            ]
        );
        assert!(!combined.protections.iter().any(|p| p == network));
    }

    #[test]
    fn many_reports_are_named_briefly() {
        let reports: Vec<(PathBuf, ClassReport)> = (0..8)
            .map(|i| (PathBuf::from(format!("r{i}.json")), fixture::class()))
            .collect();
        let refs: Vec<&(PathBuf, ClassReport)> = reports.iter().collect();
        assert_eq!(
            files(&refs),
            "r0.json, r1.json, r2.json, r3.json, r4.json, and 3 more"
        );
    }

    #[test]
    fn files_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for ((_, report), name) in two_jobs().into_iter().zip(["a.json", "b.json"]) {
            let path = dir.path().join(name);
            std::fs::write(&path, serde_json::to_string(&report).unwrap()).unwrap();
            paths.push(path);
        }
        let combined = read_and_combine(&paths).unwrap();
        assert_eq!(combined.students.len(), 3);
        let twice = [paths[0].clone(), paths[0].clone()];
        let err = read_and_combine(&twice).unwrap_err().to_string();
        assert!(err.ends_with("is given twice"), "{err}");
        let not_json = dir.path().join("notes.txt");
        std::fs::write(&not_json, "hello").unwrap();
        let err = format!("{:#}", read_and_combine(&[not_json]).unwrap_err());
        assert!(err.contains("notes.txt: not JSON"), "{err}");
    }
}
