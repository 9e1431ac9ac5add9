//! `cargo xtask grade` on a fixture class (`class.rs`): all solved, as
//! shipped, mixed, and students packed with hostile or broken submissions
//! (`attacks.rs`), graded once, with the instructor's hidden tests; each
//! test below checks one thing of that run and names it. No attack may earn
//! its exercise a point, nor cost anything else one, in that run or the
//! next. The intake's screening rules are unit-tested in `grade/intake.rs`;
//! here each kind of refusal is seen end to end.
//!
//! The attacks on the compiler take minutes: `cargo test -p instructor
//! --test grading -- --ignored` runs them (`.ci/run` does).

mod attacks;
mod class;
mod fixture;
mod formats;

use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;

use attacks::{BROKEN, FORGERS, REJECTED};
use class::{class, Report, CODE_RUNS, HIDDEN_TEST, LIMITS, MIXED_SOLVED, SECRET};
use fixture::{copy_dir, exercise, inject, repo_root, solution, student, xtask};

/// Held by each test that runs a grader of its own, and by the class's
/// grading: what one run leaves (its private folder) must not be taken
/// for another's.
static GRADING: Mutex<()> = Mutex::new(());

#[test]
fn the_class_is_graded_and_what_is_not_a_student_is_named() {
    let class = class();
    let printed = &class.report.printed;
    assert!(class.succeeded, "{printed}");
    assert!(
        !printed.contains("warning: tests that the solutions did not pass"),
        "{printed}"
    );
    for warning in [
        "notes.txt: a file, not a student's folder",
        "52-gone: a symbolic link that leads to no folder",
        "warning: 53-not-a-crate: not one exercise file in",
    ] {
        assert!(printed.contains(warning), "no `{warning}` in {printed}");
    }
    // Nothing a student named reaches the terminal raw.
    assert!(!printed.contains("\u{1b}[31m"), "{printed}");
}

#[test]
fn good_students_score_in_full_wherever_they_come() {
    let class = class();
    let mut good = 0;
    for s in class.report.json["students"].as_array().unwrap() {
        let name = s["student"].as_str().unwrap();
        if name.ends_with("-good") || name == "00-all-solved" {
            good += 1;
            assert_eq!(
                s["score"].as_f64().unwrap(),
                class.report.max(),
                "{name} lost points: {s}"
            );
        }
    }
    assert_eq!(good, 3, "every good student graded");
    assert_eq!(
        class.report.student("04b-ctl\u{1b}[31mred-good")["score"],
        class.report.max()
    );
}

#[test]
fn measurements_marked_ignore_are_neither_graded_nor_listed() {
    let class = class();
    for (exercise, measurement) in [
        ("ex10_measure_it", "measure_the_speedup"),
        ("ex16_quiz", "score"),
    ] {
        let names: Vec<&str> = class.report.result("00-all-solved", exercise)["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(
            !names.is_empty() && !names.contains(&measurement),
            "{exercise}: {names:?}"
        );
    }
}

#[test]
fn the_exercises_as_shipped_earn_nothing_and_their_crates_files_are_ignored() {
    let class = class();
    let shipped = class.report.student("00-as-shipped");
    assert_eq!(shipped["score"].as_f64().unwrap(), 0.0, "{shipped}");
    for exercise in shipped["exercises"].as_array().unwrap() {
        let tests = exercise["tests"].as_array().unwrap();
        assert!(tests.iter().all(|t| t["passed"] == false), "{exercise}");
    }
    let ignored: Vec<&str> = shipped["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ignored.contains(&"build.rs") && ignored.contains(&"Cargo.toml"),
        "{ignored:?}"
    );
}

#[test]
fn a_mixed_submission_scores_what_it_solved_and_only_that() {
    let class = class();
    for exercise in class.report.student("00-mixed")["exercises"]
        .as_array()
        .unwrap()
    {
        let solved = MIXED_SOLVED.contains(&exercise["name"].as_str().unwrap());
        assert_eq!(exercise["status"] == "passed", solved, "{exercise}");
        assert_eq!(
            exercise["score"].as_f64().unwrap() > 0.0,
            solved,
            "{exercise}"
        );
    }
}

/// The attacks expected to pass (their harm is elsewhere) rely on their
/// code running with the tests: a panic put in the same place fails each
/// exercise.
#[test]
fn the_code_put_in_each_exercise_runs_with_its_tests() {
    let class = class();
    let mut failed = 0;
    for exercise in fixture::exercise_names() {
        let put_in = fixture::has_a_public_fn(&solution(&exercise));
        let result = class.report.result(CODE_RUNS, &exercise);
        if put_in {
            failed += 1;
            assert_eq!(result["status"], "failed", "{exercise}: {result}");
        }
    }
    for attack in class
        .attacks
        .iter()
        .filter(|a| a.statuses.contains("passed"))
    {
        let status = &class.report.result(CODE_RUNS, &attack.exercise)["status"];
        assert_eq!(
            status, "failed",
            "{}: code put in {} does not run",
            attack.name, attack.exercise
        );
    }
    assert!(failed >= 15, "{failed}");
}

/// One attack's own exercise: one of its statuses, nothing earned unless
/// it passed (then the attack aims elsewhere) or attacks part of it, and
/// status and score agree.
fn check_attack(name: &str) {
    let class = class();
    let attack = class.attack(name);
    let own = class.report.result(attack.student, &attack.exercise);
    let status = own["status"].as_str().unwrap();
    assert!(
        attack.statuses.split('|').any(|s| s == status),
        "{name} in {}: expected {}, got {status}: {}",
        attack.exercise,
        attack.statuses,
        own["message"]
    );
    let score = own["score"].as_f64().unwrap();
    if status != "passed" && !attack.partial {
        assert_eq!(score, 0.0, "{name}: {own}");
    }
    assert_eq!(
        status == "passed",
        score == class.report.points(&attack.exercise),
        "{name}: status and score disagree: {own}"
    );
}

/// A test for each attack, named after it.
macro_rules! attack_tests {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_attack($name);
            }
        )*
        /// Every attack of the class has its test above.
        #[test]
        fn every_attack_has_a_test_of_its_own() {
            let tested = [$($name),*];
            let class = class();
            let untested: Vec<&str> = class.attacks.iter().map(|a| a.name).filter(|n| !tested.contains(n)).collect();
            assert!(untested.is_empty(), "{untested:?}");
        }
    };
}

attack_tests! {
    compile_error => "compile-error",
    panic => "panic",
    stack_overflow => "stack-overflow",
    runaway_memory => "runaway-memory",
    runaway_threads => "runaway-threads",
    exits_early => "exits-early",
    fake_pass => "fake-pass",
    leaks_the_environment => "leaks-the-environment",
    hardcodes_the_visible_answers => "hardcodes-the-visible-answers",
    shadows_assert => "shadows-assert",
    path_to_the_solution => "path-to-the-solution",
    path_up_to_the_solution => "path-up-to-the-solution",
    include_behind_a_char => "include-behind-a-char",
    include_behind_a_raw_string => "include-behind-a-raw-string",
    include_renamed => "include-renamed",
    include_forwarded => "include-forwarded",
    reads_the_environment_when_built => "reads-the-environment-when-built",
    quotes_a_secret_file => "quotes-a-secret-file",
    constructor => "constructor",
    forges_a_report_header => "forges-a-report-header",
    forger => "forger",
    forger_with_unsafe => "forger-with-unsafe",
    exits_after_printing_passes => "exits-after-printing-passes",
    races_through_static_mut => "races-through-static-mut",
    own_tests_forge_verdicts => "own-tests-forge-verdicts",
    forges_from_another_file => "forges-from-another-file",
    sets_the_schedule => "sets-the-schedule",
    lists_the_hidden_tests => "lists-the-hidden-tests",
    reads_and_writes_outside => "reads-and-writes-outside",
    reads_the_grader => "reads-the-grader",
    poisons_the_shared_build => "poisons-the-shared-build",
    opens_the_network => "opens-the-network",
    escapes_its_session => "escapes-its-session",
    signals_the_grader => "signals-the-grader",
    fills_its_scratch => "fills-its-scratch",
    fills_the_disk => "fills-the-disk",
    reaches_outside_sockets_and_metadata => "reaches-outside-sockets-and-metadata",
    blocks_the_verdict_paths => "blocks-the-verdict-paths",
    deadlock => "deadlock",
    endless_loop => "endless-loop",
    output_flood => "output-flood",
    grows_a_sparse_file => "grows-a-sparse-file",
}

/// Packed students: every exercise that holds no attack scores in full,
/// the file beside an attack included.
fn others_score_in_full(report: &Report, attacks: &[attacks::Attack]) {
    let mut students: Vec<&str> = attacks.iter().map(|a| a.student).collect();
    students.dedup();
    for student in students {
        for exercise in fixture::exercise_names() {
            if attacks
                .iter()
                .any(|a| a.student == student && a.exercise == exercise)
            {
                continue;
            }
            let result = report.result(student, &exercise);
            assert_eq!(
                result["score"].as_f64().unwrap(),
                report.points(&exercise),
                "{student}: {exercise}, attacked by none, lost points: {result}"
            );
        }
    }
}

#[test]
fn an_attack_costs_its_students_other_exercises_nothing() {
    let class = class();
    others_score_in_full(&class.report, &class.attacks);
}

#[test]
fn a_folder_that_links_to_another_is_rejected_whole() {
    let class = class();
    for name in ["05a-links-to-the-solutions", "05b-links-to-a-classmate"] {
        let graded = class.report.student(name);
        assert_eq!(graded["score"].as_f64().unwrap(), 0.0, "{graded}");
        let exercises = graded["exercises"].as_array().unwrap();
        assert!(
            exercises.iter().all(|e| e["status"] == "rejected"),
            "{graded}"
        );
    }
}

#[test]
fn a_refusal_names_its_line() {
    let class = class();
    let refused = class.report.result(REJECTED, &exercise(6));
    assert!(
        refused["message"].as_str().unwrap().contains("line"),
        "{refused}"
    );
}

/// The environment a test reads is fixed before the submission's code
/// runs: the race scores what it scores without the attack.
#[test]
fn a_submission_that_sets_the_schedule_changes_nothing() {
    let class = class();
    let race = exercise(13);
    assert_eq!(
        class.report.result(FORGERS, &race)["score"],
        class.report.result("00-mixed", &race)["score"],
        "setting BARISTA_SCHEDULE changed how the exploring tests ran"
    );
}

#[test]
fn a_sparse_file_beside_the_exercises_is_listed_not_read() {
    let class = class();
    let sparse = class.report.student("03b-sparse-notes-good");
    let ignored = sparse["ignored"].as_array().unwrap();
    assert!(
        ignored.iter().any(|f| f == "exercises/notes.bin"),
        "{sparse}"
    );
}

#[test]
fn no_report_quotes_the_graders_environment_or_its_paths() {
    let class = class();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    assert!(class.reports.len() > 10, "{:?}", class.reports.keys());
    for (name, text) in &class.reports {
        assert!(
            !text.contains(&class.canary),
            "{name} quotes the grader's environment"
        );
        assert!(
            !text.contains(&class.root.display().to_string()),
            "{name} quotes the grader's checkout"
        );
        assert!(
            !text.contains(&cargo_home.display().to_string()),
            "{name} quotes the grader's cargo home"
        );
        assert!(!text.contains("root:"), "{name} quotes /etc/shadow");
    }
}

/// Students see the names they know: `exercises/src/exNN_….rs`,
/// `curriculum/tests/…` and their tests' own names; never the grader's
/// crates (`graded/`, the visible tests' `all::`) or `../` paths.
#[test]
fn students_see_only_the_names_they_know() {
    let class = class();
    let mut looked = 0;
    for (name, text) in &class.reports {
        for internal in ["graded/", "all::", "judged::", "/../", "submission/src"] {
            let at = text.find(internal);
            assert!(
                at.is_none(),
                "{name} shows {internal:?}: {}",
                at.map(|at| &text[at.saturating_sub(200)..(at + 100).min(text.len())])
                    .unwrap_or("")
            );
        }
        looked += usize::from(text.contains("exercises/src/ex"));
    }
    assert!(looked > 0, "the reports name the learner's files");
}

#[test]
fn every_student_has_the_hidden_test_shown_as_hidden() {
    let class = class();
    for student in ["00-all-solved", "04b-ctl\u{1b}[31mred-good"] {
        let ex09 = class.report.result(student, &exercise(9));
        let hidden: Vec<&Value> = ex09["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["hidden"] == true)
            .collect();
        assert_eq!(hidden.len(), 1, "{ex09}");
        assert_eq!(hidden[0]["passed"], true, "{ex09}");
    }
}

/// A student who hard-codes what the visible tests check, one who forges
/// libtest's headers where only the hidden test looks, and one who runs
/// every test binary it finds: each fails the hidden test, and no report
/// quotes it.
#[test]
fn a_hidden_test_catches_what_the_visible_ones_miss_and_is_never_quoted() {
    let class = class();
    for student in [BROKEN, REJECTED] {
        let ex09 = class.report.result(student, &exercise(9));
        let tests = ex09["tests"].as_array().unwrap();
        assert!(
            tests
                .iter()
                .any(|t| t["hidden"] == true && t["passed"] == false),
            "{student}: {ex09}"
        );
    }
    let gradescope = &class.reports[&format!("gradescope/{BROKEN}/results.json")];
    assert!(gradescope.contains("hidden"), "{gradescope}");
    for (name, text) in &class.reports {
        assert!(
            !text.contains(SECRET),
            "a hidden test's message reached {name}: {text}"
        );
        assert!(
            !text.contains(HIDDEN_TEST),
            "a hidden test's name reached {name}: {text}"
        );
    }
}

/// What the report says is enforced held: where the machine does not
/// allow a protection, the report says so, and that is all this can check.
#[test]
fn nothing_escaped_that_the_report_says_was_prevented() {
    let class = class();
    let seen = &class.seen;
    assert!(
        !seen.unix_socket_connected,
        "a run connected to a UNIX socket outside"
    );
    if class.report.protected_by("confined by Landlock") {
        assert!(!seen.marker_exists, "a submission wrote outside its folder");
        assert!(
            !seen.poison_exists,
            "a run wrote in the grading target folder"
        );
        assert!(
            seen.bystander_alive,
            "a submission killed a process of the grader's"
        );
    }
    if class.report.protected_by("network cut off") {
        assert!(
            !seen.loopback_connected,
            "a submission connected to the host's loopback"
        );
        assert!(
            seen.leftovers.is_empty(),
            "processes outlived their run: {:?}",
            seen.leftovers
        );
    }
    assert!(
        class.report.protected_by("memory limited"),
        "{}",
        class.report.json["protections"]
    );
}

#[test]
fn the_grader_leaves_nothing_behind() {
    let seen = &class().seen;
    assert!(
        seen.private_left.is_empty(),
        "the grader left its private folder: {:?}",
        seen.private_left
    );
    assert!(seen.big_left.is_empty(), "left behind: {:?}", seen.big_left);
}

#[test]
fn exercism_reports_follow_each_test_file() {
    formats::exercism(class());
}

#[test]
fn junit_has_times_and_each_failure_its_own_summary() {
    formats::junit(class());
}

#[test]
fn reports_for_people_hold_no_control_characters() {
    formats::no_control_characters(class());
}

/// One submission, Exercism-runner style (OUT/results.json, exit 0 though
/// it fails), then as the instructor's workflow runs it (its own grade
/// command, the student's checkout where the job has it): the same scores.
#[test]
fn one_submission_graded_alone_and_by_the_workflow_scores_the_same() {
    class();
    let _grading = GRADING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let first = exercise(1);
    let panicker = dir.path().join("panicker");
    student(
        dir.path(),
        "panicker",
        &[(
            first.clone(),
            inject(&solution(&first), "panic!(\"spilled the milk\");"),
        )],
    );
    let single = dir.path().join("single");
    let run = xtask()
        .args(["grade", "--submission"])
        .arg(&panicker)
        .arg("--output")
        .arg(&single)
        .args(LIMITS)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let exercism: Value =
        serde_json::from_str(&std::fs::read_to_string(single.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(exercism["version"], 2);
    assert_eq!(exercism["status"], "fail");
    let failing: Vec<&str> = exercism["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "pass")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        !failing.is_empty() && failing.iter().all(|n| n.starts_with(&first)),
        "{failing:?}"
    );

    let workflow = std::fs::read_to_string(
        repo_root().join("templates/github-instructor/barista-grade-class.yml"),
    )
    .unwrap();
    let command = workflow
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("run: cargo xtask grade --submission \"submissions/")
        })
        .expect("the workflow's grade step");
    assert!(command.contains("--format json"), "{command}");
    let job = dir.path().join("job");
    copy_dir(&panicker, &job.join("submissions/panic"));
    let args: Vec<String> = format!("--submission submissions/{command}")
        .replace("$STUDENT", "panic")
        .split_whitespace()
        .map(|a| a.trim_matches('"').to_string())
        .collect();
    let again = xtask()
        .current_dir(&job)
        .arg("grade")
        .args(&args)
        .args(LIMITS)
        .output()
        .unwrap();
    assert!(again.status.success(), "{command}: {again:?}");
    let again: Value = serde_json::from_str(
        &std::fs::read_to_string(job.join("results/panic/results.json")).unwrap(),
    )
    .unwrap();
    let passed = |tests: &[Value], pass: &dyn Fn(&Value) -> bool| -> Vec<bool> {
        tests.iter().map(pass).collect()
    };
    let alone: Vec<bool> = passed(exercism["tests"].as_array().unwrap(), &|t| {
        t["status"] == "pass"
    });
    let by_workflow: Vec<bool> = again["students"][0]["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| passed(e["tests"].as_array().unwrap(), &|t| t["passed"] == true))
        .collect();
    assert_eq!(alone, by_workflow, "grading twice, different results");
    let score = again["students"][0]["score"].as_f64().unwrap();
    assert!(score > 0.0 && score < class().report.max(), "{again}");
}

/// Code that stops the compiler, past its time or its memory: only its
/// own exercise is lost, and the student after it is not touched.
#[test]
#[ignore = "slow (a build past its limits, then one build per exercise): `cargo test -p instructor --test grading -- --ignored`, run by .ci/run"]
fn an_attack_on_the_compiler_costs_only_its_exercise() {
    let _grading = GRADING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let class_dir = dir.path().join("class");
    let attacks = attacks::on_the_compiler();
    let files: Vec<(String, String)> = attacks
        .iter()
        .map(|a| (a.exercise.clone(), a.file.clone()))
        .collect();
    student(&class_dir, attacks::COMPILERS, &files);
    student(&class_dir, "02-good", &[]);
    let output = dir.path().join("reports");
    let run = xtask()
        .arg("grade")
        .arg(&class_dir)
        .arg("--output")
        .arg(&output)
        .args(LIMITS)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let report = Report {
        json: serde_json::from_str(&std::fs::read_to_string(output.join("results.json")).unwrap())
            .unwrap(),
        printed: String::from_utf8_lossy(&run.stdout).into_owned()
            + &String::from_utf8_lossy(&run.stderr),
    };
    for attack in &attacks {
        let own = report.result(attack.student, &attack.exercise);
        assert_eq!(own["status"], "compile_error", "{}: {own}", attack.name);
        assert_eq!(
            own["score"].as_f64().unwrap(),
            0.0,
            "{}: {own}",
            attack.name
        );
    }
    others_score_in_full(&report, &attacks);
    assert_eq!(
        report.student("02-good")["score"].as_f64().unwrap(),
        report.max()
    );
}
