//! Every attack of the fixture class: the student who makes it, the
//! exercise file it is in, and the statuses that exercise may end with.
//!
//! Attacks share a student where they cannot interfere (each exercise
//! runs in a process of its own, and a student's other exercises are
//! solved and must still score in full, so an attack that harmed its
//! neighbours in the same submission shows there); a good student comes
//! right after each submission whose attacks aim at others.

use std::path::{Path, PathBuf};

use crate::class::HIDDEN_TEST;
use crate::fixture::{
    exercise, inject, inject_everywhere, own_tests_forging, shipped, solution, solution_path,
};

/// Broken code that earns nothing and harms nobody, and a hard-coded
/// answer that the hidden test catches.
pub const BROKEN: &str = "01-broken-code";
/// Code that never ends, each kind in its own exercise: they take their
/// time limits (and two cores) together, apart from the attacks whose
/// good runs must finish in time.
pub const HANGS: &str = "01c-hangs";
/// Files the intake refuses: credit through the compiler, reads at
/// compile time, code for the linker; a forged libtest header.
pub const REJECTED: &str = "02-rejected";
/// Forged verdicts, in every way docs/grading.md makes one think of.
pub const FORGERS: &str = "03a-forgers";
/// Harm to the grader and to the next submission.
pub const HOSTILE: &str = "04a-hostile";
/// What harms only the compiler: slow, graded by the ignored test.
pub const COMPILERS: &str = "01-compilers";

/// What the attacks aim at, made before the class is graded.
pub struct Targets {
    /// A file outside the class that no run may create.
    pub marker: PathBuf,
    /// A port on the host's loopback that no run may connect to.
    pub port: u16,
    /// The name a process escaping its run's session runs under.
    pub nonce: String,
    /// A process of the grader's user that no run may signal.
    pub bystander: u32,
    /// What no run may read: the grader's checkout and its grading folder.
    pub root: PathBuf,
    /// A file in the grading target folder that no run may write.
    pub poison: PathBuf,
    /// UNIX sockets no run may reach: one in /tmp, one in a folder of the
    /// grader's; and a file in the machine's /dev/shm no run may see.
    pub tmp_socket: PathBuf,
    pub hidden_socket: PathBuf,
    pub shm_canary: PathBuf,
}

pub struct Attack {
    pub name: &'static str,
    pub student: &'static str,
    pub exercise: String,
    pub file: String,
    /// `|`-separated; unless `passed` is one, the attack must score 0 (when
    /// it is, the attack is on something else, checked elsewhere).
    pub statuses: &'static str,
    /// Another exercise's file, solved but for what the attack adds to it
    /// (it must still score in full).
    pub beside: Option<(String, String)>,
    /// Some of its exercise's tests pass honestly (the attack is on the
    /// others): it must not pass, and may keep those tests' points.
    pub partial: bool,
}

fn attack(
    name: &'static str,
    student: &'static str,
    number: u32,
    file: impl FnOnce(&str) -> String,
    statuses: &'static str,
) -> Attack {
    let exercise = exercise(number);
    Attack {
        name,
        student,
        file: file(&exercise),
        exercise,
        statuses,
        beside: None,
        partial: false,
    }
}

/// An attack on part of its exercise (see [`Attack::partial`]).
fn partly(attack: Attack) -> Attack {
    Attack {
        partial: true,
        ..attack
    }
}

/// The solution with `code` first in every public function (an attack
/// that must earn nothing: no test escapes it).
fn solved_but(code: &str) -> impl FnOnce(&str) -> String + '_ {
    move |exercise| inject_everywhere(&solution(exercise), code)
}

/// The solution with `code` first in its first public function, run once
/// or a few times (an attack whose harm is aimed elsewhere: the exercise
/// must still pass).
fn solved_once_but(code: &str) -> impl FnOnce(&str) -> String + '_ {
    move |exercise| inject(&solution(exercise), code)
}

/// As shipped, with `code` first in every public function.
fn shipped_but(code: &str) -> impl FnOnce(&str) -> String + '_ {
    move |exercise| inject_everywhere(&shipped(exercise), code)
}

/// `code` run once in the test process, however many of its tests call
/// the function it is put in (an attack heavy on the disk need not run
/// once per test to make its point).
fn once(code: &str) -> String {
    format!("{{ static ONCE: std::sync::Once = std::sync::Once::new(); ONCE.call_once(|| {{ {code} }}); }}")
}

fn shown(path: &Path) -> String {
    format!("{:?}", path.display().to_string())
}

pub fn class(t: &Targets) -> Vec<Attack> {
    let mut attacks = broken();
    attacks.extend(rejected());
    attacks.extend(hangs());
    attacks.extend(forgers());
    attacks.extend(hostile(t));
    attacks
}

fn broken() -> Vec<Attack> {
    let s = BROKEN;
    vec![
        attack("compile-error", s, 1, solved_but("let x: u32 = \"not a number\";"), "compile_error"),
        attack("panic", s, 2, solved_but("panic!(\"spilled the milk\");"), "failed"),
        attack("stack-overflow", s, 3, solved_but("fn deeper(n: u64) -> u64 { std::hint::black_box(deeper(n + 1)) + 1 } deeper(0);"), "crashed"),
        attack("runaway-memory", s, 4, solved_but("let mut hoard = Vec::new(); loop { hoard.push(vec![1u8; 1 << 20]); }"), "crashed|failed"),
        attack("runaway-threads", s, 5, solved_but("loop { std::thread::spawn(|| std::thread::park()); }"), "crashed|failed"),
        attack("exits-early", s, 6, solved_but("std::process::exit(0);"), "crashed"),
        attack("fake-pass", s, 7, solved_but("println!(\"test result: ok. 3 passed; 0 failed\"); std::process::exit(0);"), "crashed"),
        attack("leaks-the-environment", s, 11, solved_but("panic!(\"{:?} {:?}\", std::env::vars().collect::<Vec<_>>(), std::env::current_dir());"), "failed"),
        // What the visible tests check, hard-coded: the hidden test fails.
        partly(attack(
            "hardcodes-the-visible-answers",
            s,
            9,
            |e| format!("{}\npub fn speedup(_p: f64, _n: usize) -> f64 {{ 1.0 }}\n", solution(e).replace("pub fn speedup(", "pub fn speedup_unused(")),
            "failed",
        )),
        attack("shadows-assert", s, 10, |e| format!("{}\n#[macro_export]\nmacro_rules! assert_eq {{ ($($t:tt)*) => {{}} }}\n", solution(e)), "rejected"),
    ]
}

fn rejected() -> Vec<Attack> {
    let s = REJECTED;
    let own = |e: &str| shown(&solution_path(e));
    vec![
        // Credit for work not done: the solution through the compiler.
        attack(
            "path-to-the-solution",
            s,
            11,
            |e| format!("#[path = {}]\nmod sol;\npub use sol::*;\n", own(e)),
            "rejected",
        ),
        attack(
            "path-up-to-the-solution",
            s,
            12,
            |e| {
                format!("#[path = \"../../../../../solutions/src/{e}.rs\"]\nmod sol;\npub use sol::*;\n")
            },
            "rejected",
        ),
        attack(
            "include-behind-a-char",
            s,
            1,
            |e| format!("const QUOTE: char = '\"';\ninclude!({});\n", own(e)),
            "rejected",
        ),
        attack(
            "include-behind-a-raw-string",
            s,
            2,
            |e| format!("const RAW: &str = r\"\\\";\ninclude!({});\n", own(e)),
            "rejected",
        ),
        attack(
            "include-renamed",
            s,
            3,
            |e| format!("use core::include as grab;\ngrab!({});\n", own(e)),
            "rejected",
        ),
        attack(
            "include-forwarded",
            s,
            4,
            |e| {
                format!("macro_rules! fetch {{ ($($t:tt)*) => {{ include!($($t)*); }} }}\nfetch!({});\n", own(e))
            },
            "rejected",
        ),
        attack(
            "reads-the-environment-when-built",
            s,
            5,
            |e| {
                format!(
                    "{}\npub const LEAK: Option<&str> = option_env!(\"BARISTA_TEST_CANARY\");\n",
                    shipped(e)
                )
            },
            "rejected",
        ),
        attack(
            "quotes-a-secret-file",
            s,
            6,
            |e| format!("{}\n#[path = \"/etc/shadow\"]\nmod secret;\n", shipped(e)),
            "rejected",
        ),
        attack(
            "constructor",
            s,
            7,
            |e| {
                format!("{}\n#[used]\n#[link_section = \".init_array\"]\nstatic FORGE: extern \"C\" fn() = forge;\nextern \"C\" fn forge() {{}}\n", shipped(e))
            },
            "rejected",
        ),
        // Wrong where only the hidden test looks, and printing a libtest
        // header there, so that the hidden test's failure (its expected
        // value) would read as a visible test's report.
        partly(attack(
            "forges-a-report-header",
            s,
            9,
            |e| {
                format!(
                "{}\npub fn speedup(p: f64, n: usize) -> f64 {{ if n == 3 && p == 0.75 {{ println!(\"\\n---- judged::{e}::question_the_ceiling_at_95_percent stdout ----\"); return 1.0; }} speedup_unused(p, n) }}\n",
                solution(e).replace("pub fn speedup(", "pub fn speedup_unused(")
            )
            },
            "failed",
        )),
    ]
}

fn forgers() -> Vec<Attack> {
    let s = FORGERS;
    vec![
        attack("forger", s, 5, crate::fixture::forger, "crashed|failed"),
        // With `unsafe`, the descriptors themselves; the crate forbids it.
        attack(
            "forger-with-unsafe",
            s,
            10,
            shipped_but("{ use std::io::Write; use std::os::fd::FromRawFd; let exe = std::env::current_exe().unwrap_or_default(); let listing = std::process::Command::new(&exe).args([\"--list\", \"--format\", \"terse\"]).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default(); let lines: String = listing.lines().filter_map(|l| l.strip_suffix(\": test\")).map(|n| format!(\"passed {n}\\n\")).collect(); for fd in 3..64 { let mut file = unsafe { std::fs::File::from_raw_fd(fd) }; let _ = file.write_all(lines.as_bytes()); std::mem::forget(file); } std::process::exit(0); }"),
            "compile_error",
        ),
        attack(
            "exits-after-printing-passes",
            s,
            7,
            |e| inject(&shipped(e), &format!("println!(\"test {e}::many_slots_many_threads ... ok\\ntest result: ok. 4 passed; 0 failed\"); std::process::exit(0);")),
            "crashed|failed",
        ),
        // The compile-error lesson "solved" with the race kept, through
        // `unsafe`: the compiler would accept it, the grader does not.
        attack(
            "races-through-static-mut",
            s,
            14,
            |_| "static mut COUNT: u64 = 0;\n\npub fn count() -> u64 {\n    unsafe { COUNT = 0 };\n    std::thread::scope(|scope| {\n        for _ in 0..4 {\n            scope.spawn(|| {\n                for _ in 0..1000 {\n                    unsafe { COUNT += 1 };\n                }\n            });\n        }\n    });\n    unsafe { COUNT }\n}\n".into(),
            "compile_error",
        ),
        // The submission's own tests, run first, forging every verdict: in
        // the exercise's own file, and in another's.
        attack("own-tests-forge-verdicts", s, 2, |e| format!("{}{}", shipped(e), own_tests_forging(e)), "failed|crashed|timed_out|compile_error"),
        Attack {
            beside: Some((exercise(4), format!("{}{}", solution(&exercise(4)), own_tests_forging(&exercise(3))))),
            ..attack("forges-from-another-file", s, 3, shipped, "failed|crashed|timed_out|compile_error")
        },
        // The racy lesson told to replay tokio's own order, from its code
        // (its own test, and the first thing a pristine test calls): it
        // scores what the same race scores without it.
        attack(
            "sets-the-schedule",
            s,
            13,
            |e| format!(
                "{}\n#[test]\nfn settle_first() {{ std::env::set_var(\"BARISTA_SCHEDULE\", \"none\"); std::env::set_var(\"BARISTA_WORKERS\", \"1\"); }}\n",
                inject(&shipped(e), "std::env::set_var(\"BARISTA_SCHEDULE\", \"none\"); std::env::set_var(\"BARISTA_SEED\", \"1\");")
            ),
            "failed",
        ),
    ]
}

fn hangs() -> Vec<Attack> {
    let s = HANGS;
    vec![
        attack(
            "deadlock",
            s,
            11,
            solved_but("std::sync::Barrier::new(2).wait();"),
            "timed_out",
        ),
        attack(
            "endless-loop",
            s,
            12,
            solved_but("loop { std::hint::spin_loop(); }"),
            "timed_out",
        ),
        attack(
            "output-flood",
            s,
            14,
            solved_but("loop { println!(\"{}\", \"flood \".repeat(1000)); }"),
            "timed_out|crashed",
        ),
        // Solved, but its code lists and runs every test binary it can
        // find, its own with the hidden tests' names, and fails with what
        // they said.
        partly(attack(
            "lists-the-hidden-tests",
            s,
            9,
            |e| {
                inject(&solution(e), &format!("{{ let exe = std::env::current_exe().unwrap_or_default(); let mut said = String::new(); let mut binaries = vec![exe.clone()]; if let Some(bins) = exe.parent().and_then(|p| p.parent()) {{ for dir in std::fs::read_dir(bins).into_iter().flatten().flatten() {{ for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {{ binaries.push(file.path()); }} }} }} for binary in &binaries {{ for args in [vec![\"--list\"], vec![\"--exact\", \"judged::hidden_{e}::{HIDDEN_TEST}_at_three_quarters_on_three_workers\"], vec![\"::hidden_\"]] {{ if let Ok(out) = std::process::Command::new(binary).args(&args).output() {{ said.push_str(&String::from_utf8_lossy(&out.stdout)); said.push_str(&String::from_utf8_lossy(&out.stderr)); }} }} }} panic!(\"{{said}}\"); }}"))
            },
            "failed|timed_out",
        )),
    ]
}

fn hostile(t: &Targets) -> Vec<Attack> {
    let s = HOSTILE;
    let root = &t.root;
    let marker = shown(&t.marker);
    let solutions = shown(&root.join("solutions/src/ex01_interleaved.rs"));
    // The pristine tests (the grader's and the grading workspace's
    // copies) and the compiler's caches in the grading target folder
    // (built from the solutions once).
    let pristine = shown(&root.join("curriculum/tests/ex01_interleaved.rs"));
    let judged = shown(&root.join("target/grading/workspace/graded/judged/ex01_interleaved.rs"));
    let build_cache = shown(&root.join("target/grading/debug"));
    let grading = [
        root.join("target/grading/workspace"),
        root.join("target/grading"),
    ];
    vec![
        attack("reads-and-writes-outside", s, 1, solved_once_but(&format!("let stolen = std::fs::read_to_string({solutions}).unwrap_or_default();\nlet _ = std::fs::write({marker}, stolen);")), "passed"),
        attack(
            "reads-the-grader",
            s,
            2,
            solved_once_but(&format!(
                "for secret in [{solutions}, {pristine}, {judged}, {build_cache}, \"/etc/hostname\", \"/proc/self/mem\", \"/proc/self/cmdline\"] {{\n\
                 if std::fs::read(secret).is_ok() || std::fs::read_dir(secret).is_ok() {{ panic!(\"read {{secret}}\"); }}\n\
                 }}"
            )),
            "passed",
        ),
        attack("poisons-the-shared-build", s, 3, solved_once_but(&format!("let _ = std::fs::write({}, \"left for the next submission\");", shown(&t.poison))), "passed"),
        attack("opens-the-network", s, 4, solved_once_but(&format!("if std::net::TcpStream::connect((\"127.0.0.1\", {})).is_ok() {{ let _ = std::fs::write({marker}, \"connected\"); }}", t.port)), "passed"),
        attack("escapes-its-session", s, 5, solved_but(&format!("let _ = std::process::Command::new(\"setsid\").args([\"sh\", \"-c\", \"exec -a {} sleep 600\"]).spawn(); loop {{ std::thread::park(); }}", t.nonce)), "timed_out|failed"),
        attack(
            "signals-the-grader",
            s,
            7,
            solved_once_but(&format!(
                "let _ = std::process::Command::new(\"kill\").args([\"-9\", \"{}\"]).status(); let _ = std::process::Command::new(\"sh\").args([\"-c\", \"kill -STOP {}\"]).status();",
                t.bystander,
                std::process::id()
            )),
            "passed",
        ),
        attack(
            "fills-its-scratch",
            s,
            6,
            solved_once_but(&once("let dir = std::env::temp_dir().join(\"left\"); let _ = std::fs::create_dir_all(dir.join(\"locked\")); let big = vec![7u8; 40 << 20]; for i in 0..3 { let _ = std::fs::write(dir.join(format!(\"big-{i}\")), &big); } #[cfg(unix)] { use std::os::unix::fs::PermissionsExt; let _ = std::fs::set_permissions(dir.join(\"locked\"), std::fs::Permissions::from_mode(0o000)); }")),
            "passed",
        ),
        // A disk filled past the run's budget.
        attack(
            "fills-the-disk",
            s,
            8,
            solved_once_but(&once("let chunk = vec![1u8; 20 << 20]; let mut wrote = 0u64; for i in 0..20 { if std::fs::write(std::env::temp_dir().join(format!(\"fill-{i}\")), &chunk).is_ok() { wrote += 20; } } if wrote > 256 { panic!(\"wrote {wrote} MiB\"); } for i in 0..20 { let _ = std::fs::remove_file(std::env::temp_dir().join(format!(\"fill-{i}\"))); }")),
            "passed",
        ),
        // What a private root hides: UNIX sockets by their path, the
        // machine's /dev/shm and /sys, other folders' metadata.
        attack(
            "reaches-outside-sockets-and-metadata",
            s,
            13,
            solved_once_but(&format!(
                "for socket in [{}, {}] {{ if std::os::unix::net::UnixStream::connect(socket).is_ok() {{ panic!(\"connected to {{socket}}\"); }} }}\n\
                 for seen in [{solutions}, {}, {}, \"/sys/kernel\", \"/run\", \"/etc/hostname\"] {{ if std::fs::symlink_metadata(seen).is_ok() {{ panic!(\"saw {{seen}}\"); }} }}\n\
                 if std::fs::read_dir(\"/dev/shm\").map(|d| d.count()).unwrap_or(0) > 0 {{ panic!(\"the machine's /dev/shm\"); }}",
                shown(&t.tmp_socket),
                shown(&t.hidden_socket),
                shown(&root.join("curriculum/tests")),
                shown(&t.shm_canary),
            )),
            "passed",
        ),
        attack(
            "blocks-the-verdict-paths",
            s,
            10,
            shipped_but(&format!(
                "for base in [std::env::temp_dir(), std::path::PathBuf::from({}), std::path::PathBuf::from({})] {{ for name in {:?} {{ let _ = std::fs::create_dir_all(base.join(name)); let _ = std::fs::create_dir_all(base.join(\"logs\").join(format!(\"{{name}}.log\"))); }} }}",
                shown(&grading[0]),
                shown(&grading[1]),
                crate::fixture::exercise_names()
            )),
            "failed|crashed",
        ),
        attack(
            "grows-a-sparse-file",
            s,
            15,
            solved_once_but("if let Ok(file) = std::fs::File::create(std::env::temp_dir().join(\"sparse.log\")) { let _ = file.set_len(3 << 30); }"),
            "crashed|failed|passed",
        ),
    ]
}

/// The attacks on the compiler, each past one of the build's limits.
pub fn on_the_compiler() -> Vec<Attack> {
    let s = COMPILERS;
    vec![
        attack(
            "loops-the-compiler",
            s,
            12,
            |e| {
                format!("{}\n#[allow(long_running_const_eval)]\npub const SPIN: u64 = {{ let mut i = 1u64; while i != 0 {{ i = i.wrapping_add(1); }} i }};\npub fn spin() -> u64 {{ SPIN }}\n", shipped(e))
            },
            "compile_error",
        ),
        attack(
            "exhausts-the-compiler",
            s,
            3,
            |e| {
                format!("{}\npub static BIG: [u8; 1 << 34] = [1; 1 << 34];\npub fn big() -> u8 {{ BIG[12345] }}\n", solution(e))
            },
            "compile_error",
        ),
    ]
}
