//! The fixture class, graded once for every test of this binary: who is in
//! it, the grading run, and what was seen right after it (the reports are
//! read into memory and the folders removed).

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use serde_json::Value;

use crate::attacks::{self, Attack, Targets};
use crate::fixture::{
    exercise_names, has_a_public_fn, inject, repo_root, shipped, solution, student, walk, xtask,
};

/// The exercises the mixed student solved; the rest are as shipped.
pub const MIXED_SOLVED: [&str; 3] = ["ex02_parallel", "ex03_two_dials", "ex09_amdahl"];
/// Code put in every exercise that has a public function to put it in, to
/// prove that such code runs when the tests do (the attacks that must pass
/// rely on it).
pub const CODE_RUNS: &str = "01b-code-put-in-runs";
/// The hidden test's message, which no report may quote.
pub const SECRET: &str = "the secret expected value";
pub const HIDDEN_TEST: &str = "speedup_at_three_quarters_on_three_workers";

pub struct Graded {
    pub attacks: Vec<Attack>,
    pub succeeded: bool,
    pub report: Report,
    /// Every report file, by its path below the output folder.
    pub reports: BTreeMap<String, String>,
    pub seen: Seen,
    pub canary: String,
    pub root: PathBuf,
}

/// What was observed outside the grader once it had finished.
pub struct Seen {
    pub marker_exists: bool,
    pub poison_exists: bool,
    pub bystander_alive: bool,
    /// Processes that outlived their run (killed when found).
    pub leftovers: Vec<(i32, String)>,
    pub loopback_connected: bool,
    pub unix_socket_connected: bool,
    /// The grader's private folders left in the temporary folder.
    pub private_left: Vec<PathBuf>,
    /// Files over 30 MiB left in the grading workspace.
    pub big_left: Vec<PathBuf>,
}

pub fn class() -> &'static Graded {
    static CLASS: LazyLock<Graded> = LazyLock::new(grade_the_class);
    &CLASS
}

/// A class's report (`results.json`), and what the grader printed while
/// making it (shown when a student is not in it).
pub struct Report {
    pub json: Value,
    pub printed: String,
}

impl Report {
    pub fn student(&self, name: &str) -> &Value {
        self.json["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == name)
            .unwrap_or_else(|| panic!("no {name} in {}", self.printed))
    }

    pub fn result(&self, student: &str, exercise: &str) -> &Value {
        self.student(student)["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == exercise)
            .unwrap()
    }

    pub fn points(&self, exercise: &str) -> f64 {
        self.json["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == exercise)
            .unwrap()["points"]
            .as_f64()
            .unwrap()
    }

    pub fn max(&self) -> f64 {
        exercise_names().iter().map(|e| self.points(e)).sum()
    }

    pub fn protected_by(&self, protection: &str) -> bool {
        self.json["protections"].to_string().contains(protection)
    }
}

impl Graded {
    pub fn attack(&self, name: &str) -> &Attack {
        self.attacks
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no attack {name}"))
    }
}

/// The instructor's hidden test for ex09, which every student gets.
pub fn hidden_tests(dir: &Path) -> PathBuf {
    let hidden = dir.join("hidden");
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::write(
        hidden.join("ex09_amdahl.rs"),
        format!("#[macro_use]\nmod common;\nexercise!(ex09_amdahl);\n\n#[test]\nfn {HIDDEN_TEST}() {{\n    let s = exercise::speedup(0.75, 3);\n    assert!((s - 2.0).abs() < 1e-9, \"{SECRET} is 2, got {{s}}\");\n}}\n"),
    )
    .unwrap();
    hidden
}

fn grade_the_class() -> Graded {
    let _grading = crate::GRADING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let root = repo_root();
    let pid = std::process::id();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let mut bystander = Command::new("sleep").arg("3600").spawn().unwrap();
    let targets = Targets {
        marker: outside.join("escaped.txt"),
        port: listener.local_addr().unwrap().port(),
        nonce: format!("barista-escapee-{pid}"),
        bystander: bystander.id(),
        root: root.clone(),
        // The build's target folder, which every build writes: a run that
        // wrote there could leave something for the next submission's.
        poison: root.join(format!("target/grading/poisoned-{pid}")),
        tmp_socket: PathBuf::from(format!("/tmp/barista-socket-{pid}")),
        hidden_socket: outside.join("listener.sock"),
        shm_canary: PathBuf::from(format!("/dev/shm/barista-canary-{pid}")),
    };
    let _ = std::fs::remove_file(&targets.tmp_socket);
    let sockets = [
        UnixListener::bind(&targets.tmp_socket).unwrap(),
        UnixListener::bind(&targets.hidden_socket).unwrap(),
    ];
    for socket in &sockets {
        socket.set_nonblocking(true).unwrap();
    }
    let _ = std::fs::write(&targets.shm_canary, "the machine's");
    let canary = format!("barista-canary-{pid}");

    let attacks = attacks::class(&targets);
    let mut by_student: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for attack in &attacks {
        let files = by_student.entry(attack.student).or_default();
        assert!(
            files.iter().all(|(e, _)| *e != attack.exercise),
            "{}: {} holds two attacks",
            attack.student,
            attack.exercise
        );
        files.push((attack.exercise.clone(), attack.file.clone()));
        files.extend(attack.beside.clone());
    }
    for (name, files) in &by_student {
        student(&class, name, files);
    }
    layout_the_others(&class, dir.path());

    let private_before = private_folders();
    let output = dir.path().join("reports");
    let run = xtask()
        .arg("grade")
        .arg(&class)
        .arg("--tests")
        .arg(hidden_tests(dir.path()))
        .args(["--output"])
        .arg(&output)
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
        .args(LIMITS)
        .env("BARISTA_TEST_CANARY", &canary)
        .output()
        .unwrap();
    let printed =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);

    let leftovers = processes_named(&targets.nonce);
    for (pid, _) in &leftovers {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    let bystander_alive = bystander.try_wait().unwrap().is_none();
    let _ = bystander.kill();
    let _ = bystander.wait();
    let seen = Seen {
        marker_exists: targets.marker.exists(),
        poison_exists: targets.poison.exists(),
        bystander_alive,
        leftovers,
        loopback_connected: listener.accept().is_ok(),
        unix_socket_connected: sockets.iter().any(|s| s.accept().is_ok()),
        private_left: private_folders()
            .difference(&private_before)
            .cloned()
            .collect(),
        big_left: walk(&root.join("target/grading/workspace"))
            .into_iter()
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 30 << 20))
            .collect(),
    };
    let _ = std::fs::remove_file(&targets.tmp_socket);
    let _ = std::fs::remove_file(&targets.shm_canary);
    let _ = std::fs::remove_file(&targets.poison);

    let reports: BTreeMap<String, String> = walk(&output)
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&output).unwrap().display().to_string();
            (name, text)
        })
        .collect();
    let json = reports
        .get("results.json")
        .map(|text| serde_json::from_str(text).unwrap())
        .unwrap_or(Value::Null);
    Graded {
        attacks,
        succeeded: run.status.success(),
        report: Report { json, printed },
        reports,
        seen,
        canary,
        root,
    }
}

/// The limits every grading run of these tests has: low, so that an
/// endless loop costs seconds (2 s, then 4 s); the slowest good run took
/// 0.8 s here (ex13, eight runs at a time on 2 cores).
pub const LIMITS: [&str; 8] = [
    "--exercise-time-limit",
    "2",
    "--memory-mib",
    "1024",
    "--build-time-limit",
    "20",
    "--build-memory-mib",
    "2048",
];

/// The students who attack nothing, and what is not a student.
fn layout_the_others(class: &Path, dir: &Path) {
    let names = exercise_names();
    student(class, "00-all-solved", &[]);
    let as_shipped = |exercises: &[String]| -> Vec<(String, String)> {
        exercises.iter().map(|e| (e.clone(), shipped(e))).collect()
    };
    let unsolved: Vec<String> = names
        .iter()
        .filter(|e| !MIXED_SOLVED.contains(&e.as_str()))
        .cloned()
        .collect();
    student(class, "00-mixed", &as_shipped(&unsolved));
    // A copy of the exercises crate only, as shipped, with a build script
    // of its own.
    let crate_only = class.join("00-as-shipped");
    student(class, "00-as-shipped", &as_shipped(&names));
    std::fs::rename(crate_only.join("exercises/src"), crate_only.join("src")).unwrap();
    std::fs::remove_dir(crate_only.join("exercises")).unwrap();
    std::fs::write(
        crate_only.join("build.rs"),
        "fn main() { panic!(\"never run\") }",
    )
    .unwrap();
    std::fs::write(
        crate_only.join("Cargo.toml"),
        "[package]\nname = \"exercises\"\nbuild = \"build.rs\"\n",
    )
    .unwrap();
    let code_runs: Vec<(String, String)> = names
        .iter()
        .filter(|e| has_a_public_fn(&solution(e)))
        .map(|e| {
            (
                e.clone(),
                inject(&solution(e), "panic!(\"the code put in ran\");"),
            )
        })
        .collect();
    student(class, CODE_RUNS, &code_runs);
    // After the forgers: a good student with a 3 GiB sparse file beside
    // the exercises, listed as ignored, never read.
    student(class, "03b-sparse-notes-good", &[]);
    std::fs::File::create(class.join("03b-sparse-notes-good/exercises/notes.bin"))
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    // A submission whose exercises folder is another's: the grader's
    // solutions, or a classmate's.
    let linked = class.join("05a-links-to-the-solutions");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(repo_root().join("solutions"), linked.join("exercises")).unwrap();
    let copier = class.join("05b-links-to-a-classmate");
    std::fs::create_dir_all(&copier).unwrap();
    std::os::unix::fs::symlink(
        class.join("00-all-solved/exercises"),
        copier.join("exercises"),
    )
    .unwrap();
    // After the hostile: a good student whose folder name would colour the
    // instructor's terminal red.
    student(class, "04b-ctl\u{1b}[31mred-good", &[]);
    // Not students: a file, a link to nothing, a folder with no exercise file.
    std::fs::write(class.join("notes.txt"), "grades due Friday").unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), class.join("52-gone")).unwrap();
    std::fs::create_dir_all(class.join("53-not-a-crate/docs")).unwrap();
}

/// The grader's private folders in the temporary folder (grading ones
/// running at the same time, or left by a killed one, are there too).
pub fn private_folders() -> BTreeSet<PathBuf> {
    std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("barista-grading-"))
        })
        .collect()
}

/// Processes whose command line holds `name`.
fn processes_named(name: &str) -> Vec<(i32, String)> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            Some((pid, String::from_utf8_lossy(&cmdline).into_owned()))
        })
        .filter(|(_, c)| c.contains(name))
        .collect()
}
