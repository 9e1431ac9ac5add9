//! `cargo xtask grade` on a fixture class: all solved, as shipped, mixed,
//! and one student per hostile or broken submission. Each attack lives in
//! one exercise file (the other fifteen are solved and must still score
//! in full), and a good student is graded right after every attacker: no
//! attack may earn its exercise a point, nor cost anyone else one, in that
//! run or the next.

use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The checkout under test, found at run time (a test binary reused by a
/// second clone sharing the target folder must act on that clone).
fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test");
    // xtask/instructor/ is two folders down.
    Path::new(&manifest)
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn xtask() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_instructor"));
    if let Some(cargo) = std::env::var_os("CARGO") {
        command.env("CARGO", cargo);
    }
    command
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

fn solution(exercise: &str) -> String {
    std::fs::read_to_string(repo_root().join(format!("solutions/src/{exercise}.rs"))).unwrap()
}

/// The exercise as shipped: from git's last commit where there is one (a
/// learner may have solved the working tree's), else the working tree's.
fn shipped(exercise: &str) -> String {
    let committed = xtask::process::git(
        &repo_root(),
        &["show", &format!("HEAD:exercises/src/{exercise}.rs")],
    )
    .ok()
    .map(|out| String::from_utf8(out.stdout).unwrap());
    committed.unwrap_or_else(|| {
        std::fs::read_to_string(repo_root().join(format!("exercises/src/{exercise}.rs"))).unwrap()
    })
}

/// `code` as the first statements of the file's first public function.
fn inject(file: &str, code: &str) -> String {
    let at = file
        .lines()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, l)| {
            (l.starts_with("pub fn ") || l.starts_with("pub async fn ")) && l.ends_with('{')
        })
        .map(|(start, line)| start + line.len() + 1)
        .expect("a public function to put the code in");
    format!("{}{code}\n{}", &file[..at], &file[at..])
}

/// A student folder laid out like the whole repository (or a git clone):
/// every exercise solved but those in `files`.
fn student(class: &Path, name: &str, files: &[(&str, String)]) {
    let src = class.join(name).join("exercises/src");
    std::fs::create_dir_all(&src).unwrap();
    for exercise in exercise_names() {
        let text = files
            .iter()
            .find(|(e, _)| *e == exercise)
            .map_or_else(|| solution(&exercise), |(_, text)| text.clone());
        std::fs::write(src.join(format!("{exercise}.rs")), text).unwrap();
    }
}

/// One attack: the exercise it is in, its file, and the statuses it may
/// end with (its score must be below the exercise's points, unless
/// `passed` is allowed: then the attack is on something else).
struct Attack {
    name: &'static str,
    exercise: &'static str,
    file: String,
    statuses: &'static str,
    /// Another exercise's file, solved but for what the attack adds to it
    /// (it must still score in full).
    beside: Option<(&'static str, String)>,
}

fn attack(
    name: &'static str,
    exercise: &'static str,
    file: String,
    statuses: &'static str,
) -> Attack {
    Attack {
        name,
        exercise,
        file,
        statuses,
        beside: None,
    }
}

/// Tests of the submission's own, named so that a filter by substring
/// (`judged::EXERCISE::`) would select them, enough to fill every test
/// thread: each writes a pass for every test its binary lists, on the
/// descriptor the verdicts go to, through a shell that inherits it.
fn own_tests_forging(exercise: &str) -> String {
    let tests: String = (0..16)
        .map(|i| format!("        #[test]\n        fn a{i}() {{ forge() }}\n"))
        .collect();
    format!(
        r#"
#[cfg(test)]
mod judged {{
    pub mod {exercise} {{
        fn forge() {{
            let exe = std::env::current_exe().unwrap_or_default();
            let script = "for n in $(\"$0\" --list --format terse | sed -n 's/: test$//p'); do echo \"passed $n\" >&3; echo \"seconds $n 0.1\" >&3; done";
            let _ = std::process::Command::new("sh").arg("-c").arg(script).arg(&exe).status();
        }}
{tests}    }}
}}
"#
    )
}

/// The strongest forger this test can build, having read docs/grading.md:
/// it writes verdicts and libtest `ok` lines to every descriptor it can
/// find or reopen, through /proc and through a child process that would
/// inherit them, tries the grader's folders, prints a passing summary,
/// and leaves before its tests can fail.
fn forger(exercise: &str) -> String {
    let code = format!(
        r#"{{
    use std::io::Write;
    let exe = std::env::current_exe().unwrap_or_default();
    let listing = std::process::Command::new(&exe).args(["--list", "--format", "terse"]).output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let mut lines = String::new();
    for name in listing.lines().filter_map(|l| l.strip_suffix(": test")) {{
        lines.push_str(&format!("passed {{name}}\nok {{name}}\n"));
    }}
    for name in ["{exercise}::a", "{exercise}::b"] {{
        lines.push_str(&format!("passed {{name}}\n"));
    }}
    for fd in 0..256 {{
        for path in [format!("/proc/self/fd/{{fd}}"), format!("/dev/fd/{{fd}}"), format!("/proc/thread-self/fd/{{fd}}")] {{
            if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(&path) {{
                let _ = file.write_all(lines.as_bytes());
            }}
        }}
    }}
    let _ = std::process::Command::new("sh").arg("-c")
        .arg("for fd in 3 4 5 6 7 8 9 10 11 12; do printf '%s' \"$0\" >&$fd; done 2>/dev/null")
        .arg(&lines).status();
    for dir in [std::env::temp_dir(), std::path::PathBuf::from("/tmp")] {{
        if let Ok(entries) = std::fs::read_dir(&dir) {{
            for entry in entries.flatten() {{
                for sub in ["verdicts", "logs", "."] {{
                    let _ = std::fs::OpenOptions::new().append(true).create(true)
                        .open(entry.path().join(sub).join("{exercise}")).map(|mut f| f.write_all(lines.as_bytes()));
                }}
            }}
        }}
    }}
    if std::fs::OpenOptions::new().write(true).open("/proc/self/mem").is_ok() {{
        let _ = std::fs::write(std::env::temp_dir().join("mem-was-open"), "");
    }}
    print!("{{lines}}");
    println!("test result: ok. 9 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out");
    let _ = std::io::stdout().flush();
    std::process::exit(0);
}}"#
    );
    inject(&shipped(exercise), &code)
}

#[test]
fn a_fixture_class_gets_the_expected_scores_and_nothing_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let root = repo_root();
    let marker = outside.join("escaped.txt");
    let solutions = root.join("solutions/src/ex01_interleaved.rs");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let nonce = format!("barista-escapee-{}", std::process::id());
    let canary = format!("barista-canary-{}", std::process::id());
    // A process of the grader's user that no run may signal.
    let mut bystander = Command::new("sleep").arg("3600").spawn().unwrap();
    // What no run may read: the solutions, the pristine tests (the
    // grader's and the grading workspace's copies), the compiler's caches
    // in the grading target folder (built from the solutions once), the
    // system's secrets and the process's memory.
    let pristine = root.join("curriculum/tests/ex01_interleaved.rs");
    let judged = root.join("target/grading/workspace/graded/judged/ex01_interleaved.rs");
    let build_cache = root.join("target/grading/debug");
    // The build's target folder, which every build writes: a run that
    // wrote there could leave something for the next submission's.
    let poison = root.join(format!("target/grading/poisoned-{}", std::process::id()));
    let path_to = |p: &Path| p.display().to_string();
    let sol11 = path_to(&root.join("solutions/src/ex11_overlap_waiting.rs"));
    // UNIX sockets no run may reach: one in /tmp, one in a folder of the
    // grader's; and a file in the machine's /dev/shm no run may see.
    let tmp_socket = PathBuf::from(format!("/tmp/barista-socket-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp_socket);
    let tmp_listener = UnixListener::bind(&tmp_socket).unwrap();
    let hidden_socket = outside.join("listener.sock");
    let hidden_listener = UnixListener::bind(&hidden_socket).unwrap();
    for listener in [&tmp_listener, &hidden_listener] {
        listener.set_nonblocking(true).unwrap();
    }
    let shm_canary = PathBuf::from(format!("/dev/shm/barista-canary-{}", std::process::id()));
    let _ = std::fs::write(&shm_canary, "the machine's");

    student(&class, "00-all-solved", &[]);
    student(
        &class,
        "00-mixed",
        &exercise_names()
            .iter()
            .filter(|e| !["ex02_parallel", "ex03_two_dials", "ex09_amdahl"].contains(&e.as_str()))
            .map(|e| (e.as_str(), shipped(e)))
            .collect::<Vec<_>>(),
    );
    // A copy of the exercises crate only, as shipped, with a build script of its own.
    let as_shipped = class.join("00-as-shipped");
    student(
        &class,
        "00-as-shipped",
        &exercise_names()
            .iter()
            .map(|e| (e.as_str(), shipped(e)))
            .collect::<Vec<_>>(),
    );
    std::fs::rename(as_shipped.join("exercises/src"), as_shipped.join("src")).unwrap();
    std::fs::remove_dir(as_shipped.join("exercises")).unwrap();
    std::fs::write(
        as_shipped.join("build.rs"),
        "fn main() { panic!(\"never run\") }",
    )
    .unwrap();
    std::fs::write(
        as_shipped.join("Cargo.toml"),
        "[package]\nname = \"exercises\"\nbuild = \"build.rs\"\n",
    )
    .unwrap();

    let ex01 = solution("ex01_interleaved");
    let in_ex01 = |code: &str| inject(&ex01, code);
    let ex11 = shipped("ex11_overlap_waiting");
    let attacks = vec![
        // Broken or hostile code that earns nothing and harms nobody.
        attack("compile-error", "ex01_interleaved", in_ex01("let x: u32 = \"not a number\";"), "compile_error"),
        attack("panic", "ex01_interleaved", in_ex01("panic!(\"spilled the milk\");"), "failed"),
        attack("deadlock", "ex01_interleaved", in_ex01("std::sync::Barrier::new(2).wait();"), "timed_out"),
        attack("endless-loop", "ex01_interleaved", in_ex01("loop { std::hint::spin_loop(); }"), "timed_out"),
        attack("stack-overflow", "ex01_interleaved", in_ex01("fn deeper(n: u64) -> u64 { std::hint::black_box(deeper(n + 1)) + 1 } deeper(0);"), "crashed"),
        attack("runaway-memory", "ex01_interleaved", in_ex01("let mut hoard = Vec::new(); loop { hoard.push(vec![1u8; 1 << 20]); }"), "crashed|failed"),
        attack("runaway-threads", "ex01_interleaved", in_ex01("loop { std::thread::spawn(|| std::thread::park()); }"), "crashed|failed"),
        attack("output-flood", "ex01_interleaved", in_ex01("loop { println!(\"{}\", \"flood \".repeat(1000)); }"), "timed_out|crashed"),
        attack("exits-early", "ex01_interleaved", in_ex01("std::process::exit(0);"), "crashed"),
        attack("fake-pass", "ex01_interleaved", in_ex01("println!(\"test result: ok. 3 passed; 0 failed\"); std::process::exit(0);"), "crashed"),
        attack("shadows-assert", "ex01_interleaved", format!("{ex01}\n#[macro_export]\nmacro_rules! assert_eq {{ ($($t:tt)*) => {{}} }}\n"), "rejected"),
        attack(
            "reads-and-writes-outside",
            "ex01_interleaved",
            in_ex01(&format!(
                "let stolen = std::fs::read_to_string({solutions:?}).unwrap_or_default();\nlet _ = std::fs::write({marker:?}, stolen);"
            )),
            "passed",
        ),
        attack(
            "reads-the-grader",
            "ex01_interleaved",
            in_ex01(&format!(
                "for secret in [{solutions:?}, {pristine:?}, {judged:?}, {build_cache:?}, \"/etc/hostname\", \"/proc/self/mem\", \"/proc/self/cmdline\"] {{\n\
                 if std::fs::read(secret).is_ok() || std::fs::read_dir(secret).is_ok() {{ panic!(\"read {{secret}}\"); }}\n\
                 }}"
            )),
            "passed",
        ),
        attack("poisons-the-shared-build", "ex01_interleaved", in_ex01(&format!("let _ = std::fs::write({poison:?}, \"left for the next submission\");")), "passed"),
        attack(
            "opens-the-network",
            "ex01_interleaved",
            in_ex01(&format!("if std::net::TcpStream::connect((\"127.0.0.1\", {port})).is_ok() {{ let _ = std::fs::write({marker:?}, \"connected\"); }}")),
            "passed",
        ),
        attack(
            "escapes-its-session",
            "ex01_interleaved",
            in_ex01(&format!("let _ = std::process::Command::new(\"setsid\").args([\"sh\", \"-c\", \"exec -a {nonce} sleep 600\"]).spawn(); loop {{ std::thread::park(); }}")),
            "timed_out",
        ),
        attack(
            "signals-the-grader",
            "ex01_interleaved",
            in_ex01(&format!(
                "let _ = std::process::Command::new(\"kill\").args([\"-9\", \"{}\"]).status(); let _ = std::process::Command::new(\"sh\").args([\"-c\", \"kill -STOP {}\"]).status();",
                bystander.id(),
                std::process::id()
            )),
            "passed",
        ),
        attack(
            "leaks-the-environment",
            "ex01_interleaved",
            in_ex01("panic!(\"{:?} {:?}\", std::env::vars().collect::<Vec<_>>(), std::env::current_dir());"),
            "failed",
        ),
        // Credit for work not done: the solution through the compiler.
        attack("path-to-the-solution", "ex11_overlap_waiting", format!("#[path = {sol11:?}]\nmod sol;\npub use sol::*;\n"), "rejected"),
        attack("path-up-to-the-solution", "ex11_overlap_waiting", "#[path = \"../../../../../solutions/src/ex11_overlap_waiting.rs\"]\nmod sol;\npub use sol::*;\n".into(), "rejected"),
        attack("include-behind-a-char", "ex11_overlap_waiting", format!("const QUOTE: char = '\"';\ninclude!({sol11:?});\n"), "rejected"),
        attack("include-behind-a-raw-string", "ex11_overlap_waiting", format!("const RAW: &str = r\"\\\";\ninclude!({sol11:?});\n"), "rejected"),
        attack("include-renamed", "ex11_overlap_waiting", format!("use core::include as grab;\ngrab!({sol11:?});\n"), "rejected"),
        attack("include-forwarded", "ex11_overlap_waiting", format!("macro_rules! fetch {{ ($($t:tt)*) => {{ include!($($t)*); }} }}\nfetch!({sol11:?});\n"), "rejected"),
        attack("reads-the-environment-when-built", "ex11_overlap_waiting", format!("{ex11}\npub const LEAK: Option<&str> = option_env!(\"BARISTA_TEST_CANARY\");\n"), "rejected"),
        attack("quotes-a-secret-file", "ex11_overlap_waiting", format!("{ex11}\n#[path = \"/etc/shadow\"]\nmod secret;\n"), "rejected"),
        attack("constructor", "ex11_overlap_waiting", format!("{ex11}\n#[used]\n#[link_section = \".init_array\"]\nstatic FORGE: extern \"C\" fn() = forge;\nextern \"C\" fn forge() {{}}\n"), "rejected"),
        // Credit for work not done: forged verdicts.
        attack("forger", "ex05_share_by_communicating", forger("ex05_share_by_communicating"), "crashed|failed"),
        // With `unsafe`, the descriptors themselves; the crate forbids it.
        attack(
            "forger-with-unsafe",
            "ex09_amdahl",
            inject(
                &shipped("ex09_amdahl"),
                "{ use std::io::Write; use std::os::fd::FromRawFd; let exe = std::env::current_exe().unwrap_or_default(); let listing = std::process::Command::new(&exe).args([\"--list\", \"--format\", \"terse\"]).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default(); let lines: String = listing.lines().filter_map(|l| l.strip_suffix(\": test\")).map(|n| format!(\"passed {n}\\n\")).collect(); for fd in 3..64 { let mut file = unsafe { std::fs::File::from_raw_fd(fd) }; let _ = file.write_all(lines.as_bytes()); std::mem::forget(file); } std::process::exit(0); }",
            ),
            "compile_error",
        ),
        attack(
            "exits-after-printing-passes",
            "ex07_disjoint_writes",
            inject(&shipped("ex07_disjoint_writes"), "println!(\"test ex07_disjoint_writes::many_slots_many_threads ... ok\\ntest result: ok. 4 passed; 0 failed\"); std::process::exit(0);"),
            "crashed|failed",
        ),
        // The compile-error lesson "solved" with the race kept, through
        // `unsafe`: the compiler would accept it, the grader does not.
        attack(
            "races-through-static-mut",
            "ex14_data_race_rejected",
            r#"static mut COUNT: u64 = 0;

pub fn count() -> u64 {
    unsafe { COUNT = 0 };
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..1000 {
                    unsafe { COUNT += 1 };
                }
            });
        }
    });
    unsafe { COUNT }
}
"#
            .into(),
            "compile_error",
        ),
        // Harm to others and to the grader.
        attack(
            "blocks-the-verdict-paths",
            "ex10_measure_it",
            inject(&shipped("ex10_measure_it"), &format!(
                "for base in [std::env::temp_dir(), std::path::PathBuf::from({:?}), std::path::PathBuf::from({:?})] {{ for name in {:?} {{ let _ = std::fs::create_dir_all(base.join(name)); let _ = std::fs::create_dir_all(base.join(\"logs\").join(format!(\"{{name}}.log\"))); }} }}",
                path_to(&root.join("target/grading/workspace")),
                path_to(&root.join("target/grading")),
                exercise_names()
            )),
            "failed|crashed",
        ),
        attack(
            "loops-the-compiler",
            "ex12_more_tasks_not_faster",
            format!("{}\n#[allow(long_running_const_eval)]\npub const SPIN: u64 = {{ let mut i = 1u64; while i != 0 {{ i = i.wrapping_add(1); }} i }};\npub fn spin() -> u64 {{ SPIN }}\n", shipped("ex12_more_tasks_not_faster")),
            "compile_error",
        ),
        attack(
            "exhausts-the-compiler",
            "ex03_two_dials",
            format!("{}\npub static BIG: [u8; 1 << 34] = [1; 1 << 34];\npub fn big() -> u8 {{ BIG[12345] }}\n", solution("ex03_two_dials")),
            "compile_error",
        ),
        attack(
            "grows-a-sparse-file",
            "ex15_never_ends",
            inject(&solution("ex15_never_ends"), "if let Ok(file) = std::fs::File::create(std::env::temp_dir().join(\"sparse.log\")) { let _ = file.set_len(3 << 30); }"),
            "crashed|failed|passed",
        ),
        attack(
            "fills-its-scratch",
            "ex06_join_and_sort",
            inject(
                &solution("ex06_join_and_sort"),
                "{ let dir = std::env::temp_dir().join(\"left\"); let _ = std::fs::create_dir_all(dir.join(\"locked\")); for i in 0..3 { let _ = std::fs::write(dir.join(format!(\"big-{i}\")), vec![7u8; 40 << 20]); } #[cfg(unix)] { use std::os::unix::fs::PermissionsExt; let _ = std::fs::set_permissions(dir.join(\"locked\"), std::fs::Permissions::from_mode(0o000)); } }",
            ),
            "passed",
        ),
        // Credit for work not done: the submission's own tests, run first,
        // forging every verdict; in the exercise's own file, and in another's.
        attack("own-tests-forge-verdicts", "ex03_two_dials", format!("{}{}", shipped("ex03_two_dials"), own_tests_forging("ex03_two_dials")), "failed|crashed|timed_out|compile_error"),
        Attack {
            beside: Some(("ex04_same_answer", format!("{}{}", solution("ex04_same_answer"), own_tests_forging("ex03_two_dials")))),
            ..attack("forges-from-another-file", "ex03_two_dials", shipped("ex03_two_dials"), "failed|crashed|timed_out|compile_error")
        },
        // The racy lesson told to replay tokio's own order, from its code
        // (its own test, and the first thing a pristine test calls): it
        // scores what the same race scores without it (checked below).
        attack(
            "sets-the-schedule",
            "ex13_hidden_race",
            format!(
                "{}\n#[test]\nfn settle_first() {{ std::env::set_var(\"BARISTA_SCHEDULE\", \"none\"); std::env::set_var(\"BARISTA_WORKERS\", \"1\"); }}\n",
                inject(&shipped("ex13_hidden_race"), "std::env::set_var(\"BARISTA_SCHEDULE\", \"none\"); std::env::set_var(\"BARISTA_SEED\", \"1\");")
            ),
            "failed",
        ),
        // Harm to the grader: a disk filled past the run's budget, and
        // what a private root hides: UNIX sockets by their path, the
        // machine's /dev/shm and /sys, other folders' metadata.
        Attack {
            file: inject(&solution("ex08_pick_the_primitive"), "{ let mut wrote = 0u64; for i in 0..20 { if std::fs::write(std::env::temp_dir().join(format!(\"fill-{i}\")), vec![1u8; 20 << 20]).is_ok() { wrote += 20; } } if wrote > 256 { panic!(\"wrote {wrote} MiB\"); } for i in 0..20 { let _ = std::fs::remove_file(std::env::temp_dir().join(format!(\"fill-{i}\"))); } }"),
            ..attack("fills-the-disk", "ex08_pick_the_primitive", String::new(), "passed")
        },
        attack(
            "reaches-outside-sockets-and-metadata",
            "ex01_interleaved",
            in_ex01(&format!(
                "for socket in [{:?}, {:?}] {{ if std::os::unix::net::UnixStream::connect(socket).is_ok() {{ panic!(\"connected to {{socket}}\"); }} }}\n\
                 for seen in [{:?}, {:?}, {:?}, \"/sys/kernel\", \"/run\", \"/etc/hostname\"] {{ if std::fs::symlink_metadata(seen).is_ok() {{ panic!(\"saw {{seen}}\"); }} }}\n\
                 if std::fs::read_dir(\"/dev/shm\").map(|d| d.count()).unwrap_or(0) > 0 {{ panic!(\"the machine's /dev/shm\"); }}",
                path_to(&tmp_socket),
                path_to(&hidden_socket),
                path_to(&solutions),
                path_to(&root.join("curriculum/tests")),
                path_to(&shm_canary),
            )),
            "passed",
        ),
    ];
    for (i, attack) in attacks.iter().enumerate() {
        let mut files = vec![(attack.exercise, attack.file.clone())];
        files.extend(attack.beside.clone());
        student(&class, &format!("{i:02}a-{}", attack.name), &files);
        student(&class, &format!("{i:02}b-good"), &[]);
    }
    // A good student with a 3 GiB sparse file beside the exercises: listed
    // as ignored, never read.
    student(&class, "54-sparse-notes-good", &[]);
    std::fs::File::create(class.join("54-sparse-notes-good/exercises/notes.bin"))
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    // A submission whose exercises folder is another's: the grader's
    // solutions, or a classmate's.
    let linked = class.join("50a-links-to-the-solutions");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(root.join("solutions"), linked.join("exercises")).unwrap();
    let copier = class.join("50b-links-to-a-classmate");
    std::fs::create_dir_all(&copier).unwrap();
    std::os::unix::fs::symlink(
        class.join("00-all-solved/exercises"),
        copier.join("exercises"),
    )
    .unwrap();
    student(&class, "50c-good", &[]);
    // A folder name that would colour the instructor's terminal red.
    student(&class, "51-ctl\u{1b}[31mred-good", &[]);
    // Not students: a file, a link to nothing, a folder with no exercise file.
    std::fs::write(class.join("notes.txt"), "grades due Friday").unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere"), class.join("52-gone")).unwrap();
    std::fs::create_dir_all(class.join("53-not-a-crate/docs")).unwrap();

    let private_before = private_folders();
    let output = dir.path().join("reports");
    let run = xtask()
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
        .args(["--build-time-limit", "20", "--build-memory-mib", "2048"])
        .env("BARISTA_TEST_CANARY", &canary)
        .output()
        .unwrap();
    let printed =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{printed}");
    assert!(
        !printed.contains("warning: tests that the solutions did not pass"),
        "{printed}"
    );
    // What is not graded is named, never silently left out; and nothing
    // a student named reaches the terminal raw.
    for warning in [
        "notes.txt: a file, not a student's folder",
        "52-gone: a symbolic link that leads to no folder",
        "warning: 53-not-a-crate: not one exercise file in",
    ] {
        assert!(printed.contains(warning), "no `{warning}` in {printed}");
    }
    assert!(!printed.contains("\u{1b}[31m"), "{printed}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("results.json")).unwrap())
            .unwrap();
    let points = |exercise: &str| -> f64 {
        report["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == exercise)
            .unwrap()["points"]
            .as_f64()
            .unwrap()
    };
    let max: f64 = exercise_names().iter().map(|e| points(e)).sum();
    let student = |name: &str| -> &Value {
        report["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == name)
            .unwrap_or_else(|| panic!("no {name} in {printed}"))
    };
    let result = |student: &Value, exercise: &str| -> Value {
        student["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == exercise)
            .unwrap()
            .clone()
    };

    // Good students, wherever they come: full marks.
    for s in report["students"].as_array().unwrap() {
        let name = s["student"].as_str().unwrap();
        if name.ends_with("-good") || name == "00-all-solved" {
            assert_eq!(
                s["score"].as_f64().unwrap(),
                max,
                "{name} (after an attacker) lost points: {s}"
            );
        }
    }
    assert!(student("51-ctl\\u{1b}[31mred-good")["score"] == max);
    // The measurements marked `#[ignore]` are for the learner to read: not
    // one is graded, or listed.
    let solved = student("00-all-solved");
    for (exercise, measurement) in [
        ("ex10_measure_it", "measure_the_speedup"),
        ("ex16_quiz", "score"),
    ] {
        let tests = result(solved, exercise)["tests"].clone();
        let names: Vec<&str> = tests
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
    // Nothing for nothing.
    let shipped_report = student("00-as-shipped");
    assert_eq!(
        shipped_report["score"].as_f64().unwrap(),
        0.0,
        "{shipped_report}"
    );
    for exercise in shipped_report["exercises"].as_array().unwrap() {
        assert!(
            exercise["tests"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["passed"] == false),
            "{exercise}"
        );
    }
    let ignored: Vec<&str> = shipped_report["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ignored.contains(&"build.rs") && ignored.contains(&"Cargo.toml"),
        "{ignored:?}"
    );
    let mixed = student("00-mixed");
    for exercise in mixed["exercises"].as_array().unwrap() {
        let solved = ["ex02_parallel", "ex03_two_dials", "ex09_amdahl"]
            .contains(&exercise["name"].as_str().unwrap());
        assert_eq!(exercise["status"] == "passed", solved, "mixed: {exercise}");
        assert_eq!(
            exercise["score"].as_f64().unwrap() > 0.0,
            solved,
            "mixed: {exercise}"
        );
    }
    // Each attack: its own exercise only.
    for (i, attack) in attacks.iter().enumerate() {
        let name = format!("{i:02}a-{}", attack.name);
        let graded = student(&name);
        let own = result(graded, attack.exercise);
        let others = graded["score"].as_f64().unwrap() - own["score"].as_f64().unwrap();
        assert_eq!(
            others,
            max - points(attack.exercise),
            "{name}: the other exercises lost points: {graded}"
        );
        let status = own["status"].as_str().unwrap();
        assert!(
            attack.statuses.split('|').any(|s| s == status),
            "{name}: expected {}, got {status}: {}",
            attack.statuses,
            own["message"]
        );
        if status != "passed" {
            assert_eq!(own["score"].as_f64().unwrap(), 0.0, "{name}: {own}");
        }
        assert_eq!(
            status == "passed",
            own["score"].as_f64().unwrap() == points(attack.exercise),
            "status and score disagree: {own}"
        );
    }
    for name in ["50a-links-to-the-solutions", "50b-links-to-a-classmate"] {
        let graded = student(name);
        assert_eq!(graded["score"].as_f64().unwrap(), 0.0, "{graded}");
        assert!(
            graded["exercises"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["status"] == "rejected"),
            "{graded}"
        );
    }
    let refused = result(
        student(&format!(
            "{:02}a-quotes-a-secret-file",
            attacks
                .iter()
                .position(|a| a.name == "quotes-a-secret-file")
                .unwrap()
        )),
        "ex11_overlap_waiting",
    );
    assert!(
        refused["message"].as_str().unwrap().contains("line"),
        "a refusal names its line: {refused}"
    );

    // The environment a test reads is fixed before the submission's code
    // runs: the race scores what it scores without the attack.
    let by_name = |name: &str| {
        let i = attacks.iter().position(|a| a.name == name).unwrap();
        student(&format!("{i:02}a-{name}"))
    };
    assert_eq!(
        result(by_name("sets-the-schedule"), "ex13_hidden_race")["score"],
        result(mixed, "ex13_hidden_race")["score"],
        "setting BARISTA_SCHEDULE changed how the exploring tests ran"
    );
    // No connection reached a socket outside; the sparse file was listed,
    // not read.
    for listener in [&tmp_listener, &hidden_listener] {
        assert!(
            listener.accept().is_err(),
            "a run connected to a UNIX socket outside"
        );
    }
    let _ = std::fs::remove_file(&tmp_socket);
    let _ = std::fs::remove_file(&shm_canary);
    let sparse = student("54-sparse-notes-good");
    assert!(
        sparse["ignored"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "exercises/notes.bin"),
        "{sparse}"
    );

    // No report quotes the grader's environment or its machine's paths.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    for entry in walk(&output) {
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(
            !text.contains(&canary),
            "{} quotes the grader's environment",
            entry.display()
        );
        assert!(
            !text.contains(&path_to(&root)),
            "{} quotes the grader's checkout",
            entry.display()
        );
        assert!(
            !text.contains(&path_to(&cargo_home)),
            "{} quotes the grader's cargo home",
            entry.display()
        );
        assert!(
            !text.contains("root:"),
            "{} quotes /etc/shadow",
            entry.display()
        );
    }

    // Every format read back through its own rules.
    check_formats(&root, &output);

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
    let bystander_alive = bystander.try_wait().unwrap().is_none();
    let _ = bystander.kill();
    if protections.contains("confined by Landlock") {
        assert!(!marker.exists(), "a submission wrote {}", marker.display());
        let reader = result(
            student(&format!(
                "{:02}a-reads-the-grader",
                attacks
                    .iter()
                    .position(|a| a.name == "reads-the-grader")
                    .unwrap()
            )),
            "ex01_interleaved",
        );
        assert_eq!(reader["status"], "passed", "{}", reader["message"]);
        assert!(
            bystander_alive,
            "a submission killed a process of the grader's"
        );
    }
    if protections.contains("confined by Landlock") {
        assert!(!poison.exists(), "a run wrote outside its own folder");
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
    // Nothing left behind: the grader's private folder is gone, and no
    // big file stayed in the grading target folder.
    let left = private_folders();
    assert!(
        left.is_subset(&private_before),
        "the grader left its private folder: {:?}",
        left.difference(&private_before).collect::<Vec<_>>()
    );
    let big: Vec<PathBuf> = walk(&root.join("target/grading/workspace"))
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 30 << 20))
        .collect();
    assert!(big.is_empty(), "left behind: {big:?}");

    // A second run, with hidden tests: nothing of the first reached it; a
    // student who hard-codes what the pristine tests print passes them
    // and fails the hidden ones, shown as such.
    let second = dir.path().join("second");
    crate::student(&second, "a-good", &[]);
    let hardcoded = format!(
        "{}\npub fn speedup(_p: f64, _n: usize) -> f64 {{ 1.0 }}\n",
        solution("ex09_amdahl").replace("pub fn speedup(", "pub fn speedup_unused(")
    );
    crate::student(&second, "b-hardcodes", &[("ex09_amdahl", hardcoded)]);
    // Wrong where only the hidden test looks, and printing a libtest
    // header there, so that the hidden test's failure (its expected value)
    // would read as a visible test's report.
    let forger = format!(
        "{}\npub fn speedup(p: f64, n: usize) -> f64 {{ if n == 3 && p == 0.75 {{ println!(\"\\n---- judged::ex09_amdahl::question_the_ceiling_at_95_percent stdout ----\"); return 1.0; }} speedup_unused(p, n) }}\n",
        solution("ex09_amdahl").replace("pub fn speedup(", "pub fn speedup_unused(")
    );
    crate::student(&second, "c-forges-headers", &[("ex09_amdahl", forger)]);
    // Solved, but its code lists and runs every test binary it can find,
    // its own with the hidden tests' names, and fails with what they said.
    let lister = inject(
        &solution("ex09_amdahl"),
        "{ let exe = std::env::current_exe().unwrap_or_default(); let mut said = String::new(); let mut binaries = vec![exe.clone()]; if let Some(bins) = exe.parent().and_then(|p| p.parent()) { for dir in std::fs::read_dir(bins).into_iter().flatten().flatten() { for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() { binaries.push(file.path()); } } } for binary in &binaries { for args in [vec![\"--list\"], vec![\"--exact\", \"judged::hidden_ex09_amdahl::speedup_at_three_quarters_on_three_workers\"], vec![\"hidden\"]] { if let Ok(out) = std::process::Command::new(binary).args(&args).output() { said.push_str(&String::from_utf8_lossy(&out.stdout)); said.push_str(&String::from_utf8_lossy(&out.stderr)); } } } panic!(\"{said}\"); }",
    );
    crate::student(&second, "d-lists-the-hidden", &[("ex09_amdahl", lister)]);
    let hidden = dir.path().join("hidden");
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::write(
        hidden.join("ex09_amdahl.rs"),
        "#[macro_use]\nmod common;\nexercise!(ex09_amdahl);\n\n#[test]\nfn speedup_at_three_quarters_on_three_workers() {\n    let s = exercise::speedup(0.75, 3);\n    assert!((s - 2.0).abs() < 1e-9, \"the secret expected value is 2, got {s}\");\n}\n",
    )
    .unwrap();
    let output = dir.path().join("second-reports");
    let run = xtask()
        .args(["grade"])
        .arg(&second)
        .arg("--tests")
        .arg(&hidden)
        .args(["--format", "json", "--format", "gradescope", "--output"])
        .arg(&output)
        .args(["--exercise-time-limit", "5"])
        .output()
        .unwrap();
    let printed =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{printed}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("results.json")).unwrap())
            .unwrap();
    let good = &report["students"][0];
    assert_eq!(good["score"].as_f64().unwrap(), max, "{good}");
    let ex09 = |s: &Value| {
        s["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "ex09_amdahl")
            .unwrap()
            .clone()
    };
    let hidden_tests: Vec<Value> = ex09(good)["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["hidden"] == true)
        .cloned()
        .collect();
    assert_eq!(hidden_tests.len(), 1, "{}", ex09(good));
    let hardcoder = ex09(&report["students"][1]);
    assert_ne!(hardcoder["status"], "passed", "{hardcoder}");
    assert!(
        hardcoder["tests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["hidden"] == true && t["passed"] == false),
        "{hardcoder}"
    );
    let gradescope =
        std::fs::read_to_string(output.join("gradescope/b-hardcodes/results.json")).unwrap();
    assert!(gradescope.contains("hidden"), "{gradescope}");
    assert!(
        !gradescope.contains("the secret expected value"),
        "a hidden test's message reached the student: {gradescope}"
    );
    let forger = ex09(&report["students"][2]);
    assert_eq!(report["students"][2]["student"], "c-forges-headers");
    assert!(
        forger["tests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["hidden"] == true && t["passed"] == false),
        "{forger}"
    );
    assert_eq!(report["students"][3]["student"], "d-lists-the-hidden");
    assert_ne!(ex09(&report["students"][3])["status"], "passed");
    for file in [
        "results.json",
        "gradescope/c-forges-headers/results.json",
        "gradescope/d-lists-the-hidden/results.json",
    ] {
        let text = std::fs::read_to_string(output.join(file)).unwrap();
        assert!(
            !text.contains("the secret expected value"),
            "a hidden test's message reached {file} through a forged header: {text}"
        );
        assert!(
            !text.contains("speedup_at_three_quarters_on_three_workers"),
            "a hidden test's name reached {file}: {text}"
        );
    }

    // One submission, Exercism-runner style: OUT/results.json, exit 0 even
    // though the submission fails.
    let panicker = class.join(format!(
        "{:02}a-panic",
        attacks.iter().position(|a| a.name == "panic").unwrap()
    ));
    let single = dir.path().join("single");
    let run = xtask()
        .args(["grade", "--submission"])
        .arg(&panicker)
        .arg("--output")
        .arg(&single)
        .args(["--exercise-time-limit", "5"])
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

    // As the instructor's workflow runs it: its own grade command, with the
    // student's checkout where the job has it.
    let workflow =
        std::fs::read_to_string(root.join("templates/github-instructor/barista-grade-class.yml"))
            .unwrap();
    let command = workflow
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("run: cargo xtask grade --submission \"submissions/")
        })
        .next()
        .expect("the workflow's grade step");
    assert!(command.contains("--format json"), "{command}");
    let jobs = dir.path().join("job");
    std::fs::create_dir_all(jobs.join("submissions")).unwrap();
    copy_dir(&panicker, &jobs.join("submissions/panic"));
    let args: Vec<String> = format!("--submission submissions/{command}")
        .replace("$STUDENT", "panic")
        .split_whitespace()
        .map(|a| a.trim_matches('"').to_string())
        .collect();
    let again = xtask()
        .current_dir(&jobs)
        .arg("grade")
        .args(&args)
        .args(["--exercise-time-limit", "5"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{command}: {again:?}");
    let again: Value = serde_json::from_str(
        &std::fs::read_to_string(jobs.join("results/panic/results.json")).unwrap(),
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
    let first = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir.path().join("reports/results.json")).unwrap(),
    )
    .unwrap();
    let first_panic = first["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"].as_str().unwrap().ends_with("a-panic"))
        .unwrap()
        .clone();
    assert_eq!(
        scores(&again["students"][0]),
        scores(&first_panic),
        "grading twice, different scores"
    );
}

/// The grader's private folders in the temporary folder (grading ones
/// running at the same time, or left by a killed one, are there too).
fn private_folders() -> std::collections::BTreeSet<PathBuf> {
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

/// The test functions of `curriculum/tests/NAME.rs` in the file's order,
/// read line by line (not with the grader's own parser).
fn file_order(root: &Path, exercise: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(root.join(format!("curriculum/tests/{exercise}.rs"))).unwrap();
    let mut names = Vec::new();
    let mut marked = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("#[test]") || line.starts_with("#[barista::test") {
            marked = true;
        } else if marked {
            if let Some(rest) = line
                .strip_prefix("async fn ")
                .or_else(|| line.strip_prefix("fn "))
            {
                names.push(rest.split('(').next().unwrap().to_string());
                marked = false;
            }
        }
    }
    names
}

/// The class's reports read back through each format's own rules.
/// Exercism: each exercise's tests in the order of its test file, each
/// with its body from the file as `test_code`, and a failing test never
/// carrying another test's failure. JUnit: a time on every case and suite,
/// a failure's summary that is not libtest's header line, and no failure
/// naming another test. No control character but line breaks and tabs in
/// any report a person reads.
fn check_formats(root: &Path, output: &Path) {
    // A message that is another test's report: libtest's header names it.
    let names_another = |message: &str, exercise: &str, test: &str| {
        message.lines().any(|line| {
            line.strip_prefix(&format!("test judged::{exercise}::"))
                .and_then(|rest| rest.strip_suffix(" failed:"))
                .is_some_and(|named| named != test)
        })
    };
    let exercism = walk(&output.join("exercism"));
    assert!(!exercism.is_empty());
    let mut failures_seen = 0;
    for file in exercism {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.ends_with("}\n"), "{}", file.display());
        let results: Value = serde_json::from_str(&text).unwrap();
        let mut seen: Vec<(String, usize)> = Vec::new();
        for test in results["tests"].as_array().unwrap() {
            let name = test["name"].as_str().unwrap();
            let Some((exercise, test_name)) = name.split_once("::") else {
                continue;
            };
            let function = test_name.split("::").next().unwrap();
            let order = file_order(root, exercise);
            let place = order
                .iter()
                .position(|f| f == function)
                .unwrap_or_else(|| panic!("{name} is not in its test file: {order:?}"));
            if let Some((last_exercise, last)) = seen.last() {
                assert!(
                    last_exercise != exercise || *last <= place,
                    "{}: {name} out of its test file's order",
                    file.display()
                );
            }
            seen.push((exercise.to_string(), place));
            let code = test["test_code"].as_str().unwrap();
            let pristine =
                std::fs::read_to_string(root.join(format!("curriculum/tests/{exercise}.rs")))
                    .unwrap();
            assert!(
                !code.is_empty() && code.lines().all(|l| pristine.contains(l.trim())),
                "{name}: test_code is not its body: {code}"
            );
            if test["status"] == "fail" {
                failures_seen += 1;
                let message = test["message"].as_str().unwrap();
                assert!(
                    !message.is_empty() && !names_another(message, exercise, test_name),
                    "{name} carries another test's failure: {message}"
                );
            }
        }
        if results["status"] == "error" {
            assert!(results["message"].is_string(), "{}", file.display());
        }
    }
    assert!(failures_seen > 0, "the class has failing tests");

    let junit = std::fs::read_to_string(output.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let time = |node: roxmltree::Node| -> f64 {
        node.attribute("time")
            .unwrap_or_else(|| panic!("no time on {node:?}"))
            .parse()
            .unwrap()
    };
    assert!(time(doc.root_element()) >= 0.0);
    for node in doc.descendants() {
        if node.has_tag_name("testsuite") || node.has_tag_name("testcase") {
            assert!(time(node) >= 0.0);
        }
        if node.has_tag_name("failure") {
            let case = node.parent_element().unwrap();
            let class = case.attribute("classname").unwrap();
            let exercise = class.rsplit('.').next().unwrap();
            let test = case.attribute("name").unwrap();
            let summary = node.attribute("message").unwrap();
            // Not libtest's header lines, which say only where.
            let header = summary.starts_with("test ")
                || (summary.starts_with("thread '") && summary.contains(" panicked at "));
            assert!(!header && !summary.contains('\n'), "{test}: {summary}");
            assert!(
                !names_another(node.text().unwrap_or(""), exercise, test),
                "{class}::{test} carries another test's failure"
            );
        }
    }

    for report in ["summary.md", "grades.csv", "junit.xml", "dashboard.html"] {
        let text = std::fs::read_to_string(output.join(report)).unwrap();
        let control: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .collect();
        assert!(control.is_empty(), "{report} holds {control:?}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
