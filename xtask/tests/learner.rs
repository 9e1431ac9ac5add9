//! The learner's workflow, driven for real: `cargo xtask` in a fresh copy of
//! the repository, piped and in a pseudo-terminal. One test in steps, from
//! the clone to the first solved exercise, because every step needs the
//! same (slow to build) copy; the end of the course, slower, is an ignored
//! test that `.ci/run` runs.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xtask::copy::RepoCopy;

struct Copy {
    _repo: RepoCopy,
    root: PathBuf,
    xtask: PathBuf,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn git(dir: &Path, args: &[&str]) -> xtask::process::Ran {
    xtask::process::git(dir, args).unwrap()
}

fn target_dir() -> PathBuf {
    RepoCopy::target_dir(&repo_root())
}

fn copy_repository() -> Copy {
    let repo = RepoCopy::of(&repo_root()).unwrap();
    let root = repo.root.clone();
    let build = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "-q", "-p", "xtask"])
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .unwrap();
    assert!(build.success());
    let xtask = target_dir().join("debug/xtask");
    Copy {
        _repo: repo,
        root,
        xtask,
    }
}

impl Copy {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.xtask);
        command
            .current_dir(&self.root)
            .args(args)
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO", env!("CARGO"))
            .stdin(Stdio::null());
        command
    }

    /// Runs `cargo xtask ARGS` without a terminal; returns (success, output).
    fn xtask(&self, args: &[&str]) -> (bool, String) {
        let out = self.command(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    fn exercise(&self, name: &str) -> PathBuf {
        self.root.join(format!("exercises/src/{name}.rs"))
    }

    fn solve(&self, name: &str) {
        let solution = self.root.join(format!("solutions/src/{name}.rs"));
        std::fs::copy(solution, self.exercise(name)).unwrap();
    }
}

#[test]
fn a_learner_goes_from_clone_to_the_first_solved_exercise() {
    let copy = copy_repository();

    // Piped, as in CI: the status once, no keys awaited, exit 0.
    let (ok, out) = copy.xtask(&[]);
    assert!(ok, "{out}");
    assert!(out.contains("0 / 16 done"), "{out}");
    assert!(out.contains("Exercise 1 of 16"), "{out}");
    assert!(
        out.contains("look at exercises/src/ex01_interleaved.rs"),
        "{out}"
    );
    assert!(
        out.contains("What ran where"),
        "the timeline of the run: {out}"
    );

    // Solving the first exercise moves the learner on.
    copy.solve("ex01_interleaved");
    let (ok, out) = copy.xtask(&["run", "ex01"]);
    assert!(ok, "{out}");
    assert!(out.contains("PASSES"), "{out}");
    let (_, out) = copy.xtask(&[]);
    assert!(out.contains("1 / 16 done"), "{out}");
    assert!(out.contains("Exercise 2 of 16"), "{out}");
    let (_, out) = copy.xtask(&["list"]);
    assert!(out.contains(" 1. done    ex01_interleaved"), "{out}");

    // Hints by number, one step more each time; unknown names get close
    // matches.
    let (ok, out) = copy.xtask(&["hint", "2"]);
    assert!(ok && out.contains("ex02_parallel"), "{out}");
    assert!(out.contains("Hint 1 of 3:"), "{out}");
    assert!(!out.contains("Hint 2 of 3:"), "one step at a time: {out}");
    assert!(out.contains("Ask again for step 2"), "{out}");
    let (_, out) = copy.xtask(&["hint", "2"]);
    assert!(
        out.contains("Hint 1 of 3:") && out.contains("Hint 2 of 3:"),
        "{out}"
    );
    assert!(!out.contains("Hint 3 of 3:"), "{out}");

    // The quiz shows its score, right from the start.
    let (ok, out) = copy.xtask(&["run", "ex16"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("quiz score: 0 of 5 right; 5 not answered yet"),
        "{out}"
    );
    let (ok, out) = copy.xtask(&["hint", "ex02_paralel"]);
    assert!(!ok && out.contains("did you mean ex02_parallel"), "{out}");

    // Reset saves the learner's file first, and says where.
    let solved = std::fs::read_to_string(copy.exercise("ex01_interleaved")).unwrap();
    let (ok, out) = copy.xtask(&["reset", "ex01_interleaved"]);
    assert!(ok, "{out}");
    let backup = out
        .lines()
        .find_map(|l| l.strip_prefix("saved your exercises/src/ex01_interleaved.rs to "))
        .unwrap_or_else(|| panic!("no backup named in {out}"));
    assert_eq!(
        std::fs::read_to_string(copy.root.join(backup)).unwrap(),
        solved
    );
    let shipped = git(
        &copy.root,
        &["show", "HEAD:exercises/src/ex01_interleaved.rs"],
    );
    assert_eq!(
        std::fs::read(copy.exercise("ex01_interleaved")).unwrap(),
        shipped.stdout
    );
    let (_, out) = copy.xtask(&["list"]);
    assert!(out.contains(" 1. pending ex01_interleaved"), "{out}");

    // A deleted file is restored too: nothing to save is not an error.
    std::fs::remove_file(copy.exercise("ex01_interleaved")).unwrap();
    let (ok, out) = copy.xtask(&["reset", "ex01_interleaved"]);
    assert!(ok, "{out}");
    assert!(out.contains("was missing: restored it as shipped"), "{out}");
    assert_eq!(
        std::fs::read(copy.exercise("ex01_interleaved")).unwrap(),
        shipped.stdout
    );

    // A corrupt progress file is rebuilt from the exercises, not a crash.
    std::fs::write(copy.root.join(".barista/progress.json"), "{ not json").unwrap();
    let (ok, out) = copy.xtask(&[]);
    assert!(ok, "{out}");
    assert!(out.contains("was unreadable"), "{out}");
    assert!(out.contains("0 / 16 done"), "{out}");

    // A hang is stopped at the time limit and reported as such.
    let text = std::fs::read_to_string(copy.exercise("ex01_interleaved")).unwrap();
    let hanging = text.replace(
        "        log.lock().unwrap().push(name);",
        "        log.lock().unwrap().push(name);\n        loop {\n            std::hint::spin_loop();\n        }",
    );
    assert_ne!(hanging, text);
    std::fs::write(copy.exercise("ex01_interleaved"), hanging).unwrap();
    let started = Instant::now();
    let (ok, out) = copy.xtask(&["run", "ex01", "--time-limit", "3"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("did not finish in 3 s: likely a deadlock or a task that never yields"),
        "{out}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the hang was stopped"
    );
    std::fs::write(copy.exercise("ex01_interleaved"), text).unwrap();

    // Nothing but reset wrote to the learner's files.
    let status = git(&copy.root, &["status", "--porcelain", "exercises"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");

    watch_in_a_terminal(&copy);
    no_color_means_no_color(&copy);
    a_dumb_terminal_gets_plain_text(&copy);
    what_a_program_prints_is_shown_safely(&copy);
}

/// The end of the course: `verify` builds and runs every exercise, which
/// takes a while.
#[test]
#[ignore = "slow (every exercise built and run twice): `cargo test -p xtask --test learner -- --ignored`, run by .ci/run"]
fn a_learner_who_solves_every_exercise_is_told_so() {
    let copy = copy_repository();
    copy.solve("ex01_interleaved");
    // Every exercise solved: verify says so with its exit status, and the
    // status is the final screen.
    let (ok, out) = copy.xtask(&["verify"]);
    assert!(!ok, "{out}");
    assert!(out.contains("1 / 16 done"), "{out}");
    for exercise in std::fs::read_dir(copy.root.join("solutions/src")).unwrap() {
        let name = exercise.unwrap().file_name().into_string().unwrap();
        if let Some(name) = name.strip_suffix(".rs").filter(|n| n.starts_with("ex")) {
            copy.solve(name);
        }
    }
    let (ok, out) = copy.xtask(&["verify"]);
    assert!(ok, "{out}");
    assert!(out.contains("16 / 16 done"), "{out}");
    let (ok, out) = copy.xtask(&[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Every exercise passes: all 16 of them"),
        "{out}"
    );
    assert!(out.contains("test runs: "), "{out}");

    // The quiz's score, and ex10's measurement against its prediction, are
    // shown once they pass.
    let (ok, out) = copy.xtask(&["run", "ex16"]);
    assert!(ok, "{out}");
    assert!(out.contains("quiz score: 5 of 5 right"), "{out}");
    let (ok, out) = copy.xtask(&["run", "ex10"]);
    assert!(ok, "{out}");
    assert!(out.contains("What the tests printed:"), "{out}");
    assert!(out.contains("Amdahl P=0.889"), "{out}");
    assert!(out.contains("serial fraction: 0.111 by design"), "{out}");

    // A passed exercise can still be revisited: its verdict and timeline.
    let (ok, out) = copy.xtask(&["run", "ex01"]);
    assert!(ok, "{out}");
    assert!(out.contains("revisiting one"), "{out}");
    assert!(out.contains("Exercise 1 of 16"), "{out}");
    assert!(out.contains("PASSES"), "{out}");
    assert!(out.contains("What ran where"), "{out}");
}

/// `cargo xtask ARGS` in a pseudo-terminal (120 columns, 60 rows) with
/// `env` set, and what it writes gathered as it comes. `NO_COLOR` is not
/// inherited: a test that wants it sets it.
struct Terminal {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

fn spawn_in_a_terminal(copy: &Copy, args: &[&str], env: &[(&str, &str)]) -> Terminal {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut command = CommandBuilder::new(&copy.xtask);
    command.args(args);
    command.cwd(&copy.root);
    command.env("CARGO_TARGET_DIR", target_dir());
    command.env("CARGO", env!("CARGO"));
    command.env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let child = pty.slave.spawn_command(command).unwrap();
    drop(pty.slave);
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let seen = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            seen.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    Terminal {
        child,
        master: pty.master,
        screen,
        reader,
    }
}

impl Terminal {
    /// Waits for the command to end: everything it wrote.
    fn output(mut self) -> String {
        self.child.wait().unwrap();
        drop(self.master);
        self.reader.join().unwrap();
        let all = self.screen.lock().unwrap();
        String::from_utf8_lossy(&all).into_owned()
    }

    /// Waits until `text` is on the screen, then forgets the screen up to
    /// its end (so that the next wait sees only what came after).
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            {
                let mut screen = self.screen.lock().unwrap();
                if let Some(at) = screen
                    .windows(text.len())
                    .position(|w| w == text.as_bytes())
                {
                    screen.drain(..at + text.len());
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?} on the screen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One command in a pseudo-terminal, to its end: what it wrote.
fn in_a_terminal(copy: &Copy, args: &[&str], env: &[(&str, &str)]) -> String {
    spawn_in_a_terminal(copy, args, env).output()
}

/// `NO_COLOR` is obeyed on a terminal: the compiler's errors come plain.
fn no_color_means_no_color(copy: &Copy) {
    // ex14 does not compile as shipped: its errors are the lesson.
    let coloured = in_a_terminal(copy, &["run", "ex14"], &[]);
    assert!(coloured.contains("does not compile yet"), "{coloured}");
    assert!(
        coloured.contains('\x1b'),
        "a terminal gets colours: {coloured}"
    );
    let plain = in_a_terminal(copy, &["run", "ex14"], &[("NO_COLOR", "1")]);
    assert!(plain.contains("does not compile yet"), "{plain}");
    assert!(plain.contains("error"), "{plain}");
    assert!(!plain.contains('\x1b'), "NO_COLOR=1: {plain:?}");
}

/// `TERM=dumb` on a terminal: no colours, no links, no screen control.
fn a_dumb_terminal_gets_plain_text(copy: &Copy) {
    let plain = in_a_terminal(copy, &["run", "ex14"], &[("TERM", "dumb")]);
    assert!(plain.contains("does not compile yet"), "{plain}");
    assert!(!plain.contains('\x1b'), "TERM=dumb: {plain:?}");
}

/// A learner's program that writes escape codes (here, in its panic) does
/// not clear or colour the learner's terminal: they are shown written out.
fn what_a_program_prints_is_shown_safely(copy: &Copy) {
    let file = copy.exercise("ex02_parallel");
    let shipped = std::fs::read_to_string(&file).unwrap();
    let hostile = shipped.replacen(
        "    let _ = arrived;\n",
        "    let _ = arrived;\n    panic!(\"\\u{1b}[2Jcleared\\u{7}\");\n",
        1,
    );
    assert_ne!(hostile, shipped);
    std::fs::write(&file, hostile).unwrap();
    let shown = in_a_terminal(copy, &["run", "ex02"], &[]);
    assert!(shown.contains("\\u{1b}[2Jcleared\\u{7}"), "{shown}");
    assert!(!shown.contains("\x1b[2Jcleared"), "{shown:?}");
    std::fs::write(&file, shipped).unwrap();
}

/// The watch mode in a pseudo-terminal: save a solution, see the progress
/// advance, move on with a single key, quit with another.
fn watch_in_a_terminal(copy: &Copy) {
    let mut terminal = spawn_in_a_terminal(copy, &[], &[]);
    let mut keys = terminal.master.take_writer().unwrap();
    let wait_for = |text: &str| terminal.wait_for(text);

    wait_for("Exercise 1 of 16");
    wait_for("[q] quit");
    copy.solve("ex01_interleaved");
    wait_for("1 / 16 done");
    wait_for("PASSES");
    wait_for("[n] next");
    keys.write_all(b"n").unwrap();
    wait_for("Exercise 2 of 16");
    wait_for("not yet: a test fails.");
    // [h] shows one more step of the hint each time.
    keys.write_all(b"h").unwrap();
    wait_for("Hint 1 of 3:");
    wait_for("[any key] back");
    keys.write_all(b" ").unwrap();
    wait_for("[q] quit");
    keys.write_all(b"h").unwrap();
    wait_for("Hint 2 of 3:");
    wait_for("Barrier");
    keys.write_all(b" ").unwrap();
    wait_for("[q] quit");

    // A save that does not compile is built once: the compiler reading the
    // file is not a save. Then [r] builds it once more, and nothing else.
    let runs = || -> u64 {
        let progress = std::fs::read_to_string(copy.root.join(".barista/progress.json")).unwrap();
        let progress: serde_json::Value = serde_json::from_str(&progress).unwrap();
        progress["runs"].as_u64().unwrap()
    };
    let before = runs();
    let file = copy.exercise("ex02_parallel");
    let shipped = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{shipped}\nfn broken( {{\n")).unwrap();
    wait_for("does not compile yet");
    wait_for("[q] quit");
    keys.write_all(b"r").unwrap();
    wait_for("(running again ...)");
    wait_for("does not compile yet");
    wait_for("[q] quit");
    assert_eq!(
        runs(),
        before + 2,
        "one build for the broken save and one for [r], no more"
    );
    // Ctrl-C while a file builds that takes minutes to compile (a constant
    // evaluated by a long loop): the tool ends, and so does everything it
    // started (cargo, rustc).
    let slow = format!(
        "{shipped}\n#[allow(long_running_const_eval)]\n\
         const _SLOW: u64 = {{ let mut i = 0u64; while i < 50_000_000_000 {{ i += 1; }} i }};\n"
    );
    std::fs::write(&file, slow).unwrap();
    wait_for("(running again ...)");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !processes_in(&copy.root).iter().any(|p| p.contains("rustc")) {
        assert!(Instant::now() < deadline, "the slow build never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    keys.write_all(b"\x03").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = terminal.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "Ctrl-C did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Killed processes go within milliseconds; the compile would take
    // minutes (its first progress note, seconds).
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let left = processes_in(&copy.root);
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "left running: {left:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::write(&file, shipped).unwrap();
}

/// Processes whose working folder is `root` or below it (cargo, rustc and
/// the test binaries work there).
fn processes_in(root: &Path) -> Vec<String> {
    let root = root.canonicalize().unwrap();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cwd) = std::fs::read_link(entry.path().join("cwd")) else {
            continue;
        };
        if cwd.starts_with(&root) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push(String::from_utf8_lossy(&cmdline).replace('\0', " "));
        }
    }
    found
}
