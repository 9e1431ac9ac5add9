//! `cargo xtask grade` on a fixture class: all solved, as shipped, mixed,
//! and one student per hostile or broken submission, each confined to the
//! first exercise (the other fifteen are solved and must still score).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn exercise_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("solutions/src"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter_map(|n| {
            n.strip_suffix(".rs")
                .filter(|n| n.starts_with("ex"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// A student folder laid out like the whole repository (or a git clone).
fn student(class: &Path, name: &str, solved: &[&str], ex01: Option<&str>) {
    let src = class.join(name).join("exercises/src");
    std::fs::create_dir_all(&src).unwrap();
    for exercise in exercise_names() {
        let from = if solved.contains(&"*") || solved.contains(&exercise.as_str()) {
            "solutions"
        } else {
            "exercises"
        };
        let text =
            std::fs::read_to_string(repo_root().join(format!("{from}/src/{exercise}.rs"))).unwrap();
        std::fs::write(src.join(format!("{exercise}.rs")), text).unwrap();
    }
    if let Some(code) = ex01 {
        let solved =
            std::fs::read_to_string(repo_root().join("solutions/src/ex01_interleaved.rs")).unwrap();
        // The hostile code runs where the tests call `two_baristas`.
        let hostile = solved.replace(
            "pub async fn two_baristas() -> Vec<&'static str> {",
            &format!("pub async fn two_baristas() -> Vec<&'static str> {{\n{code}\n"),
        );
        assert_ne!(hostile, solved);
        std::fs::write(src.join("ex01_interleaved.rs"), hostile).unwrap();
    }
}

#[test]
fn a_fixture_class_gets_the_expected_scores_and_nothing_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let marker = outside.join("escaped.txt");
    let solutions = repo_root().join("solutions/src/ex01_interleaved.rs");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let nonce = format!("barista-escapee-{}", std::process::id());
    // What no run may read: the solutions, the pristine tests (the
    // grader's and the grading workspace's copy), and the compiler's
    // caches in the grading target folder (built from the solutions once).
    let pristine = repo_root().join("curriculum/tests/ex01_interleaved.rs");
    let scratch_tests =
        repo_root().join("target/grading/workspace/curriculum/tests/ex01_interleaved.rs");
    let build_cache = repo_root().join("target/grading/debug");
    // The one folder every run writes to (trybuild's build folder): what a
    // run leaves there must not reach the next.
    let poison = repo_root().join(format!(
        "target/grading/tests/poisoned-{}",
        std::process::id()
    ));

    student(&class, "all-solved", &["*"], None);
    student(
        &class,
        "mixed",
        &["ex02_parallel", "ex03_two_dials", "ex09_amdahl"],
        None,
    );
    // A copy of the exercises crate only, with a build script of its own.
    let shipped = class.join("as-shipped");
    student(&class, "as-shipped", &[], None);
    std::fs::rename(shipped.join("exercises/src"), shipped.join("src")).unwrap();
    std::fs::remove_dir(shipped.join("exercises")).unwrap();
    std::fs::write(
        shipped.join("build.rs"),
        "fn main() { panic!(\"never run\") }",
    )
    .unwrap();
    std::fs::write(
        shipped.join("Cargo.toml"),
        "[package]\nname = \"exercises\"\nbuild = \"build.rs\"\n",
    )
    .unwrap();

    let hostile: &[(&str, String)] = &[
        ("compile-error", "let x: u32 = \"not a number\";".into()),
        ("panic", "panic!(\"spilled the milk\");".into()),
        ("deadlock", "std::sync::Barrier::new(2).wait();".into()),
        ("endless-loop", "loop { std::hint::spin_loop(); }".into()),
        ("stack-overflow", "fn deeper(n: u64) -> u64 { std::hint::black_box(deeper(n + 1)) + 1 } deeper(0);".into()),
        ("runaway-memory", "let mut hoard = Vec::new(); loop { hoard.push(vec![1u8; 1 << 20]); }".into()),
        ("runaway-threads", "loop { std::thread::spawn(|| std::thread::park()); }".into()),
        ("output-flood", "loop { println!(\"{}\", \"flood \".repeat(1000)); }".into()),
        ("exits-early", "std::process::exit(0);".into()),
        ("fake-pass", "println!(\"test result: ok. 3 passed; 0 failed\"); std::process::exit(0);".into()),
        ("shadows-assert", "}\n#[macro_export]\nmacro_rules! assert_eq { ($($t:tt)*) => {} }\nfn unused() {".into()),
        ("includes-a-file", "let _ = include_str!(\"/etc/hostname\");".into()),
        (
            "reads-and-writes-outside",
            format!(
                "let stolen = std::fs::read_to_string({solutions:?}).unwrap_or_default();\n\
                 let _ = std::fs::write({marker:?}, stolen);"
            ),
        ),
        (
            "reads-the-grader",
            format!(
                "for secret in [{solutions:?}, {pristine:?}, {scratch_tests:?}, {build_cache:?}] {{\n\
                 if std::fs::read(secret).is_ok() || std::fs::read_dir(secret).is_ok() {{ panic!(\"read {{secret}}\"); }}\n\
                 }}"
            ),
        ),
        (
            "poisons-the-shared-build",
            format!("let _ = std::fs::write({poison:?}, \"left for the next submission\");"),
        ),
        (
            "opens-the-network",
            format!(
                "if std::net::TcpStream::connect((\"127.0.0.1\", {port})).is_ok() {{ let _ = std::fs::write({marker:?}, \"connected\"); }}"
            ),
        ),
        (
            "escapes-its-session",
            format!(
                "let _ = std::process::Command::new(\"setsid\").args([\"sh\", \"-c\", \"exec -a {nonce} sleep 600\"]).spawn(); loop {{ std::thread::park(); }}"
            ),
        ),
    ];
    for (name, code) in hostile {
        student(&class, name, &["*"], Some(code));
    }

    let output = dir.path().join("reports");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["grade"])
        .arg(&class)
        .args([
            "--format",
            "json",
            "--format",
            "gradescope",
            "--format",
            "exercism",
        ])
        .args([
            "--format", "csv", "--format", "junit", "--format", "markdown", "--format", "html",
        ])
        .arg("--output")
        .arg(&output)
        .args(["--exercise-time-limit", "5", "--memory-mib", "1024"])
        .env("CARGO", env!("CARGO"))
        .output()
        .unwrap();
    let printed =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{printed}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("results.json")).unwrap())
            .unwrap();
    let max: f64 = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["points"].as_f64().unwrap())
        .sum();
    let ex01_points = report["exercises"][0]["points"].as_f64().unwrap();
    let student = |name: &str| -> &Value {
        report["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == name)
            .unwrap_or_else(|| panic!("no {name} in {printed}"))
    };

    assert_eq!(
        student("all-solved")["score"].as_f64().unwrap(),
        max,
        "{printed}"
    );
    let shipped = student("as-shipped");
    assert!(shipped["score"].as_f64().unwrap() < max / 4.0, "{printed}");
    assert!(
        shipped["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] != "passed"),
        "{printed}"
    );
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
    let mixed = student("mixed");
    for (i, exercise) in mixed["exercises"].as_array().unwrap().iter().enumerate() {
        let solved = ["ex02_parallel", "ex03_two_dials", "ex09_amdahl"]
            .contains(&exercise["name"].as_str().unwrap());
        assert_eq!(
            exercise["status"] == "passed",
            solved,
            "mixed, exercise {i}: {exercise}"
        );
    }

    let expected_status = [
        ("compile-error", "compile_error"),
        ("panic", "failed"),
        ("deadlock", "timed_out"),
        ("endless-loop", "timed_out"),
        ("stack-overflow", "crashed"),
        ("runaway-memory", "crashed|failed"),
        ("runaway-threads", "crashed|failed"),
        ("output-flood", "timed_out|crashed"),
        ("exits-early", "crashed"),
        ("fake-pass", "crashed"),
        ("shadows-assert", "rejected"),
        ("includes-a-file", "rejected"),
        ("reads-and-writes-outside", "passed"),
        ("reads-the-grader", "passed|failed"),
        ("poisons-the-shared-build", "passed"),
        ("opens-the-network", "passed"),
        ("escapes-its-session", "timed_out"),
    ];
    for (name, status) in expected_status {
        let graded = student(name);
        let ex01 = &graded["exercises"][0];
        // The broken exercise and nothing else.
        let others = graded["score"].as_f64().unwrap() - ex01["score"].as_f64().unwrap();
        assert_eq!(
            others,
            max - ex01_points,
            "{name}: the other exercises lost points: {graded}"
        );
        if !status.split('|').any(|s| s == "passed") {
            assert!(
                ex01["score"].as_f64().unwrap() < ex01_points,
                "{name}: {ex01}"
            );
        }
        let got = ex01["status"].as_str().unwrap();
        assert!(
            status.split('|').any(|s| s == got),
            "{name}: expected {status}, got {got}: {}",
            ex01["message"]
        );
    }

    // Nothing escaped that the report says was prevented: what a grader
    // claims to enforce must hold. (Where the machine does not allow a
    // protection, the report says so, and that is all this can check.)
    let protections = report["protections"].to_string();
    let leftovers: Vec<(i32, String)> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            Some((pid, String::from_utf8_lossy(&cmdline).into_owned()))
        })
        .filter(|(_, c)| c.contains(&nonce))
        .collect();
    for (pid, _) in &leftovers {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    if protections.contains("file system confined by Landlock") {
        assert!(!marker.exists(), "a submission wrote {}", marker.display());
        let reader = &student("reads-the-grader")["exercises"][0];
        assert_eq!(reader["status"], "passed", "{}", reader["message"]);
    }
    if protections.contains("seen through an overlay of each run's own") {
        assert!(!poison.exists(), "a run changed the shared build folder");
    }
    if protections.contains("network cut off") {
        assert!(
            listener.accept().is_err(),
            "a submission connected to the host's loopback"
        );
        assert!(
            leftovers.is_empty(),
            "processes outlived their run: {leftovers:?}"
        );
    }
    assert!(protections.contains("memory limited"), "{protections}");

    // One submission, Exercism-runner style: OUT/results.json, exit 0 even
    // though the submission fails; and the same scores as in the class run.
    let single = dir.path().join("single");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["grade", "--submission"])
        .arg(class.join("panic"))
        .arg("--output")
        .arg(&single)
        .args(["--exercise-time-limit", "5"])
        .env("CARGO", env!("CARGO"))
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
        !failing.is_empty() && failing.iter().all(|n| n.starts_with("ex01_interleaved")),
        "{failing:?}"
    );
    // Again, as the GitHub Classroom template's job runs it: its own
    // command line, with the student's checkout and the results folder
    // where the job has them.
    let template =
        std::fs::read_to_string(repo_root().join("templates/github-classroom/barista-grade.yml"))
            .unwrap();
    let command = template_grade_command(&template);
    let args: Vec<String> = command
        .split_whitespace()
        .skip(2) // `cargo xtask`
        .map(|arg| match arg {
            "../submission" => class.join("panic").display().to_string(),
            "../results" => dir.path().join("again").display().to_string(),
            _ => arg.to_string(),
        })
        .collect();
    assert!(
        args.iter().any(|a| a == "json"),
        "the template writes barista's JSON: {command}"
    );
    let again = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(&args)
        .args(["--exercise-time-limit", "5"])
        .env("CARGO", env!("CARGO"))
        .output()
        .unwrap();
    assert!(again.status.success(), "{command}: {again:?}");
    // What the job's later steps read.
    for path in template
        .lines()
        .filter_map(|line| line.split_whitespace().find(|w| w.starts_with("results/")))
    {
        let path = dir
            .path()
            .join("again")
            .join(path.trim_start_matches("results/"));
        assert!(
            path.exists(),
            "the template reads {}, not written",
            path.display()
        );
    }
    let again: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("again/results.json")).unwrap(),
    )
    .unwrap();
    let scores = |student: &Value| -> Vec<f64> {
        student["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["score"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(
        scores(&again["students"][0]),
        scores(student("panic")),
        "grading twice, different scores"
    );
}

/// The template's `cargo xtask grade …` step, folded onto one line.
fn template_grade_command(template: &str) -> String {
    let mut lines = template.lines().skip_while(|l| !l.contains("name: Grade"));
    let folded: Vec<&str> = lines
        .by_ref()
        .skip_while(|l| !l.trim_start().starts_with("cargo xtask grade"))
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    assert!(
        !folded.is_empty(),
        "no `cargo xtask grade` step in the template"
    );
    folded.join(" ")
}
