//! What a fixture class is made of: the checkout's exercises (solved and
//! as shipped), code put into them, and student folders laid out like a
//! clone of the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkout under test, found at run time (a test binary reused by a
/// second clone sharing the target folder must act on that clone).
pub fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test");
    // xtask/instructor/ is two folders down.
    Path::new(&manifest)
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// The instructor's binary, as `cargo xtask` starts it.
pub fn xtask() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_instructor"));
    if let Some(cargo) = std::env::var_os("CARGO") {
        command.env("CARGO", cargo);
    }
    command
}

pub fn exercise_names() -> Vec<String> {
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

/// The full name of the exercise numbered `number` (`ex07_...`).
pub fn exercise(number: u32) -> String {
    let prefix = format!("ex{number:02}_");
    exercise_names()
        .into_iter()
        .find(|n| n.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no exercise {prefix}"))
}

pub fn solution_path(exercise: &str) -> PathBuf {
    repo_root().join(format!("solutions/src/{exercise}.rs"))
}

pub fn solution(exercise: &str) -> String {
    std::fs::read_to_string(solution_path(exercise)).unwrap()
}

/// The exercise as shipped: from git's last commit where there is one (a
/// learner may have solved the working tree's), else the working tree's.
pub fn shipped(exercise: &str) -> String {
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

/// Whether `line` opens a public function that code can be put in.
fn opens_a_public_fn(line: &str) -> bool {
    (line.starts_with("pub fn ") || line.starts_with("pub async fn ")) && line.ends_with('{')
}

pub fn has_a_public_fn(file: &str) -> bool {
    file.lines().any(opens_a_public_fn)
}

/// `code` as the first statements of the file's first public function
/// (`the_code_put_in_each_exercise_runs_with_its_tests` proves that the
/// tests call it, in every exercise that has one).
pub fn inject(file: &str, code: &str) -> String {
    put_in(file, code, 1)
}

/// `code` as the first statements of every public function: no test
/// that calls the exercise's code escapes it.
pub fn inject_everywhere(file: &str, code: &str) -> String {
    put_in(file, code, usize::MAX)
}

fn put_in(file: &str, code: &str, functions: usize) -> String {
    let mut out = String::new();
    let mut put = 0;
    for line in file.split_inclusive('\n') {
        out.push_str(line);
        if put < functions && opens_a_public_fn(line.trim_end_matches('\n')) {
            out.push_str(code);
            out.push('\n');
            put += 1;
        }
    }
    assert!(put > 0, "a public function to put the code in");
    out
}

/// A student folder laid out like the whole repository (or a git clone):
/// every exercise solved but those in `files`.
pub fn student(class: &Path, name: &str, files: &[(String, String)]) {
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

/// Tests of the submission's own, named so that a filter by substring
/// (`judged::EXERCISE::`) would select them, enough to fill every test
/// thread: each writes a pass for every test its binary lists, on the
/// descriptor the verdicts go to, through a shell that inherits it.
pub fn own_tests_forging(exercise: &str) -> String {
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
pub fn forger(exercise: &str) -> String {
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

/// Every file below `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
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

pub fn copy_dir(from: &Path, to: &Path) {
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
