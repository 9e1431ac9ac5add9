//! Taking a submission in: only the learner-editable exercise files, each
//! screened (`screen.rs`) before it is built; everything else the
//! submission holds is ignored (the grader's pristine copy is used) and
//! listed in the report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::screen::{refuse, Screened};
use xtask::curriculum::Curriculum;

/// Exercise files larger than this are refused (no exercise needs more).
const MAX_FILE: u64 = 256 * 1024;
/// Entries of a submission looked at when listing ignored files.
const MAX_LISTED: usize = 50;

/// One student's exercise files, as taken in.
#[derive(Debug)]
pub struct Submission {
    pub student: String,
    /// Per exercise: the file's text, or why it was not taken.
    pub files: BTreeMap<String, Taken>,
    /// Files of the submission that differ from the pristine copy and were
    /// ignored.
    pub ignored: Vec<String>,
}

impl Submission {
    /// Not one exercise file where a submission keeps them: likely not an
    /// exercises crate at all (the wrong folder handed in, or its parent).
    pub fn is_no_exercises_crate(&self) -> bool {
        self.files.values().all(|f| matches!(f, Taken::Missing))
    }
}

#[derive(Debug)]
pub enum Taken {
    /// The file, accepted: it will be built.
    Text(String),
    Missing,
    /// Refused before building; why, for the student.
    Rejected(String),
    /// The file is not valid Rust: `line N: ` and the parser's message. It is
    /// never built; report it as a compile error.
    Unparsable(String),
}

/// A class folder's entries: the student folders (a symbolic link to a
/// folder counts: its submission is then refused, with the reason, in its
/// own row), and every other entry with why it is not graded.
#[derive(Debug, Default)]
pub struct ClassFolders {
    pub students: Vec<PathBuf>,
    pub left_out: Vec<(PathBuf, &'static str)>,
}

pub fn class_folders(dir: &Path) -> Result<ClassFolders> {
    let mut class = ClassFolders::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        // `.git`, `.DS_Store`: a folder's own business, not a student.
        if hidden {
            continue;
        }
        if path.is_dir() {
            class.students.push(path);
        } else if linked {
            class
                .left_out
                .push((path, "a symbolic link that leads to no folder"));
        } else {
            class
                .left_out
                .push((path, "a file, not a student's folder"));
        }
    }
    class.students.sort();
    class.left_out.sort();
    Ok(class)
}

/// Where a submission's exercise files are: its `src/` folder, and where
/// its root sits in the grader's repository.
struct Layout {
    src: PathBuf,
    /// `src` relative to the submission, for messages (`exercises/src/`).
    shown: &'static str,
    prefix: &'static str,
}

const LINKED: &str =
    "is a symbolic link: a submission's files must be regular files inside its own folder";

/// The submission's layout, or why none of its files can be taken: every
/// component from the student folder down to `src/` must be a real folder.
fn layout(dir: &Path) -> std::result::Result<Layout, String> {
    let linked =
        |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if linked(dir) {
        return Err(format!("the student folder {LINKED}"));
    }
    let exercises = dir.join("exercises");
    if linked(&exercises) {
        return Err(format!("exercises/ {LINKED}"));
    }
    if exercises.is_dir() {
        let src = exercises.join("src");
        if linked(&src) {
            return Err(format!("exercises/src/ {LINKED}"));
        }
        if src.is_dir() {
            return Ok(Layout {
                src,
                shown: "exercises/src/",
                prefix: "",
            });
        }
    }
    let src = dir.join("src");
    if linked(&src) {
        return Err(format!("src/ {LINKED}"));
    }
    Ok(Layout {
        src,
        shown: "src/",
        prefix: "exercises/",
    })
}

/// A submission's name in every report: its folder's, exact (each report
/// for people, and the terminal, makes it printable).
pub fn student_name(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| "submission".into(), |n| n.to_string_lossy().into_owned())
}

/// Reads a submission: a copy of the `exercises/` crate, or of the whole
/// repository (a git clone included).
pub fn take(curriculum: &Curriculum, dir: &Path) -> Result<Submission> {
    let student = student_name(dir);
    let mut files = BTreeMap::new();
    let layout = match layout(dir) {
        Ok(layout) => layout,
        Err(why) => {
            for exercise in &curriculum.exercises {
                files.insert(exercise.name.clone(), Taken::Rejected(why.clone()));
            }
            return Ok(Submission {
                student,
                files,
                ignored: Vec::new(),
            });
        }
    };
    let root = dir.canonicalize().ok();
    for exercise in &curriculum.exercises {
        let file = format!("{}.rs", exercise.name);
        let shown = format!("{}{file}", layout.shown);
        let taken = take_file(root.as_deref(), &layout.src.join(&file), &shown);
        files.insert(exercise.name.clone(), taken);
    }
    let ignored = ignored_files(curriculum, dir, layout.prefix, &layout.src);
    Ok(Submission {
        student,
        files,
        ignored,
    })
}

/// One exercise file: `shown` is its path in the submission, for messages;
/// `root` the canonical student folder it must lie in.
fn take_file(root: Option<&Path>, path: &Path, shown: &str) -> Taken {
    // A symbolic link could point anywhere (the solutions, /etc): refuse it.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Taken::Missing;
    };
    if meta.file_type().is_symlink() {
        return Taken::Rejected(format!("{shown} {LINKED}"));
    }
    if !meta.is_file() {
        return Taken::Missing;
    }
    let real = path.canonicalize().ok();
    let Some(real) = real.filter(|real| root.is_some_and(|root| real.starts_with(root))) else {
        return Taken::Rejected(format!(
            "{shown} is not inside the student's folder: a submission's files must be regular files inside its own folder"
        ));
    };
    if meta.len() > MAX_FILE {
        return Taken::Rejected(format!(
            "the exercise file is {} KiB; no exercise needs more than {} KiB",
            meta.len() / 1024,
            MAX_FILE / 1024
        ));
    }
    match read_capped(&real, MAX_FILE).and_then(|bytes| {
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }) {
        Ok(text) => match refuse(&text) {
            Screened::Fine => Taken::Text(text),
            Screened::Refused(why) => Taken::Rejected(why),
            Screened::Unparsable(why) => Taken::Unparsable(why),
        },
        Err(err) => Taken::Rejected(format!("the exercise file cannot be read as text: {err}")),
    }
}

/// The most of a listed name that a report shows, in characters.
const MAX_NAME: usize = 200;

/// Whether a submission's file holds what the grader's pristine copy does.
/// Compared only when both are regular files of the same size, no larger
/// than an exercise file may be: a sparse file of gigabytes or a named pipe
/// beside the exercises is never read.
fn same_content(pristine: &Path, submitted: &Path) -> bool {
    let size = |path: &Path| {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    };
    match (size(pristine), size(submitted)) {
        (Some(a), Some(b)) if a == b && a <= MAX_FILE => {
            matches!((read_capped(pristine, MAX_FILE), read_capped(submitted, MAX_FILE)), (Ok(a), Ok(b)) if a == b)
        }
        _ => false,
    }
}

/// At most `cap` bytes of a file; more is an error, unread.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(cap + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::other(format!("larger than {cap} bytes")));
    }
    Ok(bytes)
}

/// Files in the submission that are not exercise files and differ from the
/// grader's pristine copy (at most `MAX_LISTED`), relative to the submission.
fn ignored_files(curriculum: &Curriculum, dir: &Path, prefix: &str, src: &Path) -> Vec<String> {
    let mut ignored = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 10_000 || ignored.len() >= MAX_LISTED {
                return ignored;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !matches!(name.as_str(), ".git" | "target" | ".barista") {
                    stack.push(path);
                }
                continue;
            }
            let is_exercise = path.parent() == Some(src)
                && curriculum
                    .exercises
                    .iter()
                    .any(|e| name == format!("{}.rs", e.name));
            if is_exercise || name == "lib.rs" && path.parent() == Some(src) {
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let pristine = curriculum.root.join(prefix).join(relative);
            if !(kind.is_file() && same_content(&pristine, &path)) {
                let shown: String = relative
                    .display()
                    .to_string()
                    .chars()
                    .take(MAX_NAME)
                    .collect();
                ignored.push(shown);
            }
        }
    }
    ignored.sort();
    ignored
}

#[cfg(test)]
mod tests {
    use super::{read_capped, same_content};

    #[test]
    fn a_huge_sparse_file_beside_the_exercises_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let (pristine, huge) = (dir.path().join("Cargo.toml"), dir.path().join("notes.bin"));
        std::fs::write(&pristine, "[package]\n").unwrap();
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(3 << 30)
            .unwrap();
        // Unread: the reader stops at its cap, and the comparison at the sizes.
        assert!(read_capped(&huge, 1 << 10).is_err());
        assert!(!same_content(&pristine, &huge));
        // Same size, same bytes: the same.
        let copy = dir.path().join("copy.toml");
        std::fs::write(&copy, "[package]\n").unwrap();
        assert!(same_content(&pristine, &copy));
        // A named pipe would block a reader forever: not a regular file.
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(!same_content(&pristine, &fifo));
    }

    #[cfg(unix)]
    mod links {
        use std::os::unix::fs::symlink;
        use std::path::Path;

        use super::super::{class_folders, take, ClassFolders, Taken};
        use xtask::curriculum::{Curriculum, Exercise};

        const EXERCISES: [&str; 2] = ["ex01_first", "ex02_second"];
        const LINKED: &str =
            "is a symbolic link: a submission's files must be regular files inside its own folder";

        fn curriculum(root: &Path) -> Curriculum {
            Curriculum {
                root: root.to_path_buf(),
                exercises: EXERCISES
                    .iter()
                    .map(|name| Exercise {
                        name: name.to_string(),
                        title: String::new(),
                        topic: String::new(),
                        section: String::new(),
                        points: 1,
                        hints: Vec::new(),
                        compiles_as_shipped: true,
                    })
                    .collect(),
            }
        }

        /// A folder holding `src/` with both exercise files.
        fn crate_folder(dir: &Path) {
            std::fs::create_dir_all(dir.join("src")).unwrap();
            for name in EXERCISES {
                std::fs::write(dir.join(format!("src/{name}.rs")), "pub fn f() {}\n").unwrap();
            }
        }

        #[track_caller]
        fn all_rejected(files: &std::collections::BTreeMap<String, Taken>, why: &str) {
            assert_eq!(files.len(), EXERCISES.len());
            for (name, taken) in files {
                match taken {
                    Taken::Rejected(reason) => assert_eq!(reason, why, "{name}"),
                    other => panic!("{name}: {other:?}"),
                }
            }
        }

        #[test]
        fn a_real_submission_is_taken() {
            let tmp = tempfile::tempdir().unwrap();
            crate_folder(&tmp.path().join("class/alice/exercises"));
            // The class folder may itself be reached through a link.
            symlink(tmp.path().join("class"), tmp.path().join("linked-class")).unwrap();
            for class in ["class", "linked-class"] {
                let folders = class_folders(&tmp.path().join(class)).unwrap().students;
                assert_eq!(folders.len(), 1);
                let submission = take(&curriculum(tmp.path()), &folders[0]).unwrap();
                for taken in submission.files.values() {
                    assert!(matches!(taken, Taken::Text(_)), "{taken:?}");
                }
            }
        }

        #[test]
        fn an_exercises_folder_linked_elsewhere_is_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            crate_folder(&tmp.path().join("class/bob/exercises"));
            let alice = tmp.path().join("class/alice");
            std::fs::create_dir_all(&alice).unwrap();
            // To the grader's solutions, and to a classmate's folder.
            symlink(grader.join("solutions"), alice.join("exercises")).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/ {LINKED}"));
            std::fs::remove_file(alice.join("exercises")).unwrap();
            symlink(
                tmp.path().join("class/bob/exercises"),
                alice.join("exercises"),
            )
            .unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/ {LINKED}"));
            // A linked `src/`, in either layout.
            std::fs::remove_file(alice.join("exercises")).unwrap();
            std::fs::create_dir(alice.join("exercises")).unwrap();
            symlink(grader.join("solutions/src"), alice.join("exercises/src")).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/src/ {LINKED}"));
            let carol = tmp.path().join("class/carol");
            std::fs::create_dir_all(&carol).unwrap();
            symlink(grader.join("solutions/src"), carol.join("src")).unwrap();
            let submission = take(&curriculum(&grader), &carol).unwrap();
            all_rejected(&submission.files, &format!("src/ {LINKED}"));
        }

        #[test]
        fn a_linked_exercise_file_is_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            let alice = tmp.path().join("class/alice");
            crate_folder(&alice.join("exercises"));
            let file = alice.join("exercises/src/ex01_first.rs");
            std::fs::remove_file(&file).unwrap();
            symlink(grader.join("solutions/src/ex01_first.rs"), &file).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            match &submission.files["ex01_first"] {
                Taken::Rejected(why) => {
                    assert_eq!(why, &format!("exercises/src/ex01_first.rs {LINKED}"));
                }
                other => panic!("{other:?}"),
            }
            assert!(matches!(submission.files["ex02_second"], Taken::Text(_)));
        }

        #[test]
        fn a_linked_student_folder_is_listed_and_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            let class = tmp.path().join("class");
            crate_folder(&class.join("bob/exercises"));
            symlink(class.join("bob"), class.join("alice")).unwrap();
            symlink(grader.join("solutions"), class.join("mallory")).unwrap();
            // A link to a file, or to nothing, is no student folder.
            symlink(
                grader.join("solutions/src/ex01_first.rs"),
                class.join("notes"),
            )
            .unwrap();
            symlink(tmp.path().join("nowhere"), class.join("gone")).unwrap();
            std::fs::write(class.join("README.txt"), "grades due Friday").unwrap();
            std::fs::create_dir(class.join(".git")).unwrap();
            let ClassFolders {
                students: folders,
                left_out,
            } = class_folders(&class).unwrap();
            let name = |f: &Path| f.file_name().unwrap().to_string_lossy().into_owned();
            let names: Vec<_> = folders.iter().map(|f| name(f)).collect();
            assert_eq!(names, ["alice", "bob", "mallory"]);
            // What is not graded is named, with the reason: never silently left out.
            let left_out: Vec<_> = left_out.iter().map(|(f, why)| (name(f), *why)).collect();
            assert_eq!(
                left_out,
                [
                    ("README.txt".into(), "a file, not a student's folder"),
                    ("gone".into(), "a symbolic link that leads to no folder"),
                    ("notes".into(), "a symbolic link that leads to no folder"),
                ]
            );
            for folder in &folders {
                let submission = take(&curriculum(&grader), folder).unwrap();
                if folder.ends_with("bob") {
                    assert!(matches!(submission.files["ex01_first"], Taken::Text(_)));
                } else {
                    all_rejected(&submission.files, &format!("the student folder {LINKED}"));
                    assert!(submission.ignored.is_empty());
                }
            }
        }
    }
}
