//! A summary for a GitHub Actions step (`$GITHUB_STEP_SUMMARY`), or any
//! GitHub-flavoured Markdown viewer: the class at a glance in one table,
//! then, for each student with something not passed, a collapsed
//! `<details>` with what went wrong. Markdown has no writer of its own
//! here: every piece of report text goes through [`cell`], [`code`] or
//! [`fenced`], and the HTML around the details through maud, which
//! escapes.

use std::fmt::Write;

use anyhow::Result;
use maud::html;

use super::view::StudentView;
use super::{number, percent, ClassView, Rendered};
use crate::grade::model::Status;

/// GitHub refuses a step summary over 1 MiB; past this much text the
/// per-student details stop, so the table always gets through.
const DETAILS_BUDGET: usize = 900 * 1024;

pub fn render(view: &ClassView) -> Result<Rendered> {
    let mut out = String::from("# barista: grades\n\n");
    out.push_str(&overview(view));
    out.push_str(&table(view));
    out.push_str(&legend());
    out.push_str(&exercise_list(view));
    out.push_str(&details(view));
    out.push_str(&protections(&view.class.protections));
    Ok(Rendered::Class(out))
}

fn overview(view: &ClassView) -> String {
    format!(
        "**{} students** · class average **{} / {}** ({}%) · full marks: {}\n\n",
        view.students.len(),
        number(view.average),
        number(view.max_score),
        percent(view.average, view.max_score),
        view.full_marks
    )
}

/// Student × exercise, then a row of per-exercise pass counts and averages.
fn table(view: &ClassView) -> String {
    let mut out = String::from("| Student |");
    for e in &view.exercises {
        let _ = write!(out, " {} |", e.number);
    }
    out.push_str(" Total |\n|:--|");
    out.push_str(&":-:|".repeat(view.exercises.len()));
    out.push_str("--:|\n");
    for student in &view.students {
        let _ = write!(out, "| {} |", cell(&student.report.student));
        for result in &student.results {
            let mark = match result {
                Some(r) => format!("{} {}", r.result.status.icon(), number(r.result.score)),
                None => " ".to_string(),
            };
            let _ = write!(out, " {mark} |");
        }
        let _ = writeln!(
            out,
            " **{}** / {} |",
            number(student.report.score),
            number(student.report.max_score)
        );
    }
    // "passed 2/3, average 4.5" per exercise, and the class average.
    let size = view.students.len();
    out.push_str("| *Passed · average* |");
    for e in &view.exercises {
        let _ = write!(out, " {}/{size} · {} |", e.passed, number(e.average));
    }
    let _ = write!(
        out,
        " **{}** / {} |\n\n",
        number(view.average),
        number(view.max_score)
    );
    out
}

fn legend() -> String {
    let items: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", s.icon(), s.label()))
        .collect();
    format!("{}\n\n", items.join(" · "))
}

fn exercise_list(view: &ClassView) -> String {
    let mut out = String::from("<details><summary>Exercises</summary>\n\n");
    for e in &view.exercises {
        let _ = writeln!(
            out,
            "- **{}** {} ({}, {} points)",
            e.number,
            cell(&e.info.title),
            code(&e.info.name),
            number(e.info.points)
        );
    }
    out.push_str("\n</details>\n\n");
    out
}

/// One collapsed section per student with anything not passed.
fn details(view: &ClassView) -> String {
    let mut out = String::new();
    let needing = view.not_all_passed();
    if needing.is_empty() {
        return out;
    }
    out.push_str("## What went wrong\n\n");
    for (shown, student) in needing.iter().enumerate() {
        let section = student_details(view, student);
        if out.len() + section.len() > DETAILS_BUDGET {
            let left = needing.len() - shown;
            let _ = write!(
                out,
                "*{left} more students left out to keep this summary under GitHub's size \
                 limit; the other reports have everything.*\n\n"
            );
            break;
        }
        out.push_str(&section);
    }
    out
}

fn student_details(view: &ClassView, student: &StudentView) -> String {
    let not_passed: Vec<String> = student
        .not_passed()
        .map(|(_, r)| format!("{} {}", r.result.status.icon(), r.result.name))
        .collect();
    let summary = html! {
        summary {
            b { (student.name) }
            ": " (number(student.report.score)) " / " (number(student.report.max_score))
            " · " (not_passed.join(", "))
        }
    };
    let mut out = format!("<details>{}\n\n", summary.into_string());
    for (i, r) in student.not_passed() {
        let e = &view.exercises[i];
        let result = r.result;
        let _ = write!(
            out,
            "**{} · {}** {} {} ({} / {})",
            e.number,
            cell(&e.info.title),
            result.status.icon(),
            result.status.label(),
            number(result.score),
            number(result.max_score)
        );
        let failed: Vec<String> = r
            .tests
            .iter()
            .filter(|t| t.status == Status::Failed)
            .map(|t| code(t.name))
            .collect();
        if !failed.is_empty() && result.status == Status::Failed {
            let _ = write!(out, " · not passed: {}", failed.join(", "));
        }
        out.push_str("\n\n");
        if !r.message.is_empty() {
            out.push_str(&fenced(&r.message));
        }
    }
    if !student.report.ignored.is_empty() {
        let files: Vec<String> = student.report.ignored.iter().map(|f| code(f)).collect();
        let _ = write!(
            out,
            "Ignored (the course's copies were used): {}\n\n",
            files.join(", ")
        );
    }
    out.push_str("</details>\n\n");
    out
}

fn protections(protections: &[String]) -> String {
    let mut out = String::from("## Protections\n\n");
    if protections.is_empty() {
        out.push_str("None were active: submissions ran without confinement.\n");
    }
    for p in protections {
        let _ = writeln!(out, "- {}", cell(p));
    }
    out
}

/// Text for a table cell or other inline Markdown: HTML is escaped (so a
/// name like `bob <script>` shows as typed), Markdown's inline syntax and
/// the table's `|` are backslash-escaped, line breaks, which would end
/// the table row, become spaces, and other control characters are written
/// out.
pub(crate) fn cell(text: &str) -> String {
    let text = crate::grade::model::printable(&text.replace(['\r', '\n', '\t'], " "), false);
    let mut out = String::new();
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!'
        ) {
            out.push('\\');
            out.push(c);
        } else {
            maud::Escaper::new(&mut out)
                .write_char(c)
                .expect("writing to a String");
        }
    }
    out
}

/// Inline code that survives any backticks inside, as CommonMark allows:
/// a longer run of backticks around, padded with spaces. `|` cannot be
/// escaped inside code in a table, so it is only used outside tables.
fn code(text: &str) -> String {
    let text = crate::grade::model::printable(&text.replace(['\r', '\n'], " "), false);
    let fence = "`".repeat(longest_backtick_run(&text) + 1);
    // CommonMark drops one space on each side, which lets a backtick or a
    // space at either end be shown.
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A fenced block for a message (printable already: the view's): inside,
/// Markdown and HTML are not interpreted, so the message needs no escaping,
/// only a fence longer than any run of backticks in it.
fn fenced(text: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    format!("{fence}text\n{}\n{fence}\n\n", text.trim_end())
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::formats::{text, Format};
    use crate::grade::model::{fixture, ClassReport};

    fn render(class: &ClassReport) -> String {
        text(Format::Markdown, &ClassView::new(class)).unwrap()
    }

    /// The cells of the table's rows, split on unescaped `|`, unescaped.
    fn table_rows(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .filter(|l| l.starts_with('|'))
            .map(|line| {
                let mut cells = vec![String::new()];
                let mut chars = line.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => cells.last_mut().unwrap().push(chars.next().unwrap()),
                        '|' => cells.push(String::new()),
                        c => cells.last_mut().unwrap().push(c),
                    }
                }
                // Drop the empty text before the first and after the last `|`.
                cells[1..cells.len() - 1]
                    .iter()
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_table_has_a_row_per_student_and_totals() {
        let text = render(&fixture::class());
        let rows = table_rows(&text);
        assert_eq!(rows[0], ["Student", "01", "02", "Total"]);
        assert_eq!(rows[1], [":--", ":-:", ":-:", "--:"]);
        assert_eq!(rows[2], ["ada", "✅ 5", "✅ 10", "**15** / 15"]);
        assert_eq!(
            rows[3],
            ["bob &lt;script&gt;", "✅ 5", "❌ 5", "**5** / 15"]
        );
        assert_eq!(rows[4], ["cy", "🛠 0", "⏱ 0", "**0** / 15"]);
        assert_eq!(
            rows[5],
            [
                "*Passed · average*",
                "2/3 · 3.33",
                "1/3 · 5",
                "**6.67** / 15"
            ]
        );
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().all(|r| r.len() == 4));
        assert!(text.starts_with("# barista: grades\n\n**3 students** · class average **6.67 / 15** (44%) · full marks: 1\n"));
    }

    #[test]
    fn details_for_students_with_something_not_passed() {
        let text = render(&fixture::class());
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count()
        );
        assert!(!text.contains("<b>ada</b>"), "ada passed everything");
        assert!(text.contains(
            "<details><summary><b>bob &lt;script&gt;</b>: 5 / 15 · ❌ ex02_parallel</summary>"
        ));
        assert!(text.contains("**02 · Parallel on two workers** ❌ failed (5 / 10) · not passed: `one_worker_deadlocks`"));
        // The message is shown verbatim inside a fence, where HTML is inert.
        assert!(text.contains("```text\non one worker this run should deadlock, but it finished & \"quoted\" <b>\n```"));
        assert!(text.contains(
            "Ignored (the course's copies were used): `exercises/Cargo.toml`, `exercises/build.rs`"
        ));
        assert!(text.contains("<b>cy</b>: 0 / 15 · 🛠 ex01_interleaved, ⏱ ex02_parallel</summary>"));
        assert!(!text.contains("<script>"));
    }

    #[test]
    fn protections_are_listed() {
        let text = render(&fixture::class());
        assert!(text.ends_with(
            "## Protections\n\n- network cut off (unshare -n)\n- writes confined to the scratch folder (Landlock)\n"
        ));
        let mut class = fixture::class();
        class.protections.clear();
        assert!(render(&class).contains("None were active"));
    }

    #[test]
    fn cells_escape_pipes_html_and_line_breaks() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(
            cell("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(cell("two\nlines"), "two lines");
        assert_eq!(cell("*bold* [link](x)"), "\\*bold\\* \\[link\\](x)");
        let mut class = fixture::class();
        class.students[0].student = "pipe|name\nnext".into();
        let rows = table_rows(&render(&class));
        assert_eq!(rows[2][0], "pipe|name next");
        assert!(rows.iter().all(|r| r.len() == 4));
    }

    #[test]
    fn fences_outgrow_backticks_in_messages() {
        assert_eq!(fenced("a ``` b"), "````text\na ``` b\n````\n\n");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn control_characters_are_written_out() {
        let mut class = fixture::class();
        class.students[1].student = "bob\x1b[31m".into();
        class.students[1].exercises[1].message = "panicked: \x1b[2Jboom\r".into();
        let text = render(&class);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("```text\npanicked: \\u{1b}[2Jboom\\u{d}\n```"),
            "{text}"
        );
        assert!(text.contains("<b>bob\\u{1b}[31m</b>"), "{text}");
        assert!(text.contains("| bob\\\\u{1b}\\[31m |"), "{text}");
    }

    #[test]
    fn details_stop_before_the_size_limit() {
        let mut class = fixture::class();
        let template = class.students[2].clone();
        for i in 0..1000 {
            let mut s = template.clone();
            s.student = format!("s{i}");
            s.exercises[0].message = "m".repeat(2000);
            class.students.push(s);
        }
        let text = render(&class);
        assert!(text.len() < 1024 * 1024, "{}", text.len());
        assert!(text.contains("more students left out"));
    }
}
