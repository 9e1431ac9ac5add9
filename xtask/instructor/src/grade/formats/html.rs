//! A class dashboard in one self-contained HTML file: inline CSS, no
//! script, no external resource (a Content-Security-Policy forbids all
//! three, so even a slip in escaping could not run anything). It shows the
//! class size and average, a bar per exercise with how the class did, a
//! student × exercise table with a tooltip per cell, what went wrong per
//! student, the protections that were active and a legend.
//!
//! Every piece of report text goes through `escape_text`/`escape_attr`,
//! and void elements are self-closed, so the page is also well-formed XML,
//! which the tests check.

use super::{
    class_average, escape_attr, escape_text, exercise_number, number, percent, result_for,
};
use crate::grade::model::{ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport};

/// Statuses in the order the legend and the bars show them: best first.
const STATUSES: [Status; 7] = [
    Status::Passed,
    Status::Failed,
    Status::CompileError,
    Status::TimedOut,
    Status::Crashed,
    Status::Missing,
    Status::Rejected,
];

/// A tooltip shows at most this much of a message; the details section
/// below the table has all of it.
const TOOLTIP_BYTES: usize = 600;

pub fn render(class: &ClassReport) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\" />\n\
         <title>barista · class dashboard</title>\n<style>",
    );
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    out.push_str(&header(class));
    out.push_str(&cards(class));
    out.push_str("<div class=\"columns\">\n");
    out.push_str(&pass_rates(class));
    out.push_str(&protections(&class.protections));
    out.push_str("</div>\n");
    out.push_str(&student_table(class));
    out.push_str(&details(class));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The CSS class for a status's colour.
fn slug(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::CompileError => "compile-error",
        Status::TimedOut => "timed-out",
        Status::Crashed => "crashed",
        Status::Missing => "missing",
        Status::Rejected => "rejected",
    }
}

/// A symbol beside the colour, so that status does not rest on colour
/// alone; all are in common fonts (DejaVu has every one).
fn symbol(status: Status) -> &'static str {
    match status {
        Status::Passed => "✓",
        Status::Failed => "✗",
        Status::CompileError => "⚙",
        Status::TimedOut => "∞",
        Status::Crashed => "⚡",
        Status::Missing => "—",
        Status::Rejected => "⊘",
    }
}

fn header(class: &ClassReport) -> String {
    format!(
        "<header>\n<h1>barista <span>class dashboard</span></h1>\n\
         <p>{} students · {} exercises · {} points each</p>\n</header>\n",
        class.students.len(),
        class.exercises.len(),
        number(class.max_score())
    )
}

/// The headline numbers: class size, average, full marks, exercises passed.
fn cards(class: &ClassReport) -> String {
    let max = class.max_score();
    let average = class_average(class);
    let full = class
        .students
        .iter()
        .filter(|s| s.max_score > 0.0 && s.score >= s.max_score)
        .count();
    let results = class.students.iter().flat_map(|s| &s.exercises);
    let passed = results
        .clone()
        .filter(|r| r.status == Status::Passed)
        .count();
    let graded = results.count();
    let card = |key: &str, value: String, meter: Option<u32>| {
        let meter = meter
            .map(|p| format!("<div class=\"meter\"><span style=\"width:{p}%\"></span></div>"))
            .unwrap_or_default();
        format!("<div class=\"card\"><div class=\"key\">{key}</div><div class=\"value\">{value}</div>{meter}</div>\n")
    };
    let mut out = String::from("<section class=\"cards\">\n");
    out.push_str(&card("Students", class.students.len().to_string(), None));
    out.push_str(&card(
        "Class average",
        format!(
            "{} <small>/ {} · {}%</small>",
            number(average),
            number(max),
            percent(average, max)
        ),
        Some(percent(average, max)),
    ));
    out.push_str(&card(
        "Full marks",
        format!("{full} <small>of {}</small>", class.students.len()),
        None,
    ));
    let rate = percent(passed as f64, graded as f64);
    out.push_str(&card(
        "Exercises passed",
        format!("{passed} <small>of {graded} · {rate}%</small>"),
        Some(rate),
    ));
    out.push_str("</section>\n");
    out
}

/// A bar per exercise, split by how the class's submissions ended.
fn pass_rates(class: &ClassReport) -> String {
    let size = class.students.len();
    // Past eight exercises the bars go in two columns, so that the student
    // table still starts on the first screen.
    let rows = if class.exercises.len() > 8 {
        class.exercises.len().div_ceil(2)
    } else {
        class.exercises.len()
    };
    let mut out = format!(
        "<section class=\"panel\">\n<h2>Pass rate per exercise</h2>\n\
         <div class=\"rates{}\" style=\"grid-template-rows: repeat({}, auto)\">\n",
        if rows < class.exercises.len() {
            " two"
        } else {
            ""
        },
        rows.max(1)
    );
    for (i, e) in class.exercises.iter().enumerate() {
        let results: Vec<&ExerciseResult> = class
            .students
            .iter()
            .filter_map(|s| result_for(s, e))
            .collect();
        let count = |status| results.iter().filter(|r| r.status == status).count();
        let passed = count(Status::Passed);
        let mut bar = String::new();
        for status in STATUSES {
            let n = count(status);
            if n > 0 {
                bar.push_str(&format!(
                    "<span class=\"{}\" style=\"width:{:.2}%\" title=\"{}: {n} of {size}\"></span>",
                    slug(status),
                    n as f64 * 100.0 / size as f64,
                    status.label()
                ));
            }
        }
        out.push_str(&format!(
            "<div class=\"rate\"><span class=\"num\">{}</span><span class=\"title\" title=\"{}\">{}</span>\
             <span class=\"bar\">{bar}</span><span class=\"pct\">{}% <small>{passed}/{size}</small></span></div>\n",
            exercise_number(e, i),
            escape_attr(&format!("{} · {} ({} points)", e.title, e.name, number(e.points))),
            escape_text(&e.title),
            percent(passed as f64, size as f64),
        ));
    }
    out.push_str("</div>\n</section>\n");
    out
}

fn protections(protections: &[String]) -> String {
    let mut out = String::from("<section class=\"panel\">\n<h2>Protections</h2>\n");
    if protections.is_empty() {
        out.push_str(
            "<p class=\"warn\">None were active: submissions ran without confinement.</p>\n",
        );
    } else {
        out.push_str("<ul class=\"protections\">\n");
        for p in protections {
            out.push_str(&format!("<li>{}</li>\n", escape_text(p)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

fn legend() -> String {
    let mut out = String::from("<ul class=\"legend\" title=\"Legend\">\n");
    for status in STATUSES {
        out.push_str(&format!(
            "<li><span class=\"chip {}\">{}</span>{}</li>\n",
            slug(status),
            symbol(status),
            status.label()
        ));
    }
    out.push_str("<li class=\"hint\">Hover a cell for its message.</li>\n</ul>\n");
    out
}

/// Student × exercise, each cell coloured by status, with the score and a
/// tooltip saying what happened.
fn student_table(class: &ClassReport) -> String {
    let mut out =
        String::from("<section class=\"panel\">\n<div class=\"head\">\n<h2>Students</h2>\n");
    out.push_str(&legend());
    out.push_str(
        "</div>\n<div class=\"scroll\">\n<table>\n\
         <thead><tr><th class=\"name\">Student</th><th class=\"score\">Score</th>",
    );
    for (i, e) in class.exercises.iter().enumerate() {
        out.push_str(&format!(
            "<th title=\"{}\">{}</th>",
            escape_attr(&format!("{} ({} points)", e.title, number(e.points))),
            exercise_number(e, i)
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for student in &class.students {
        out.push_str(&student_row(class, student));
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    out
}

fn student_row(class: &ClassReport, student: &StudentReport) -> String {
    let mut name = escape_text(&student.student);
    if !student.ignored.is_empty() {
        // Files the student changed that grading replaced: worth a look.
        name.push_str(&format!(
            " <span class=\"badge\" title=\"{}\">{} ignored</span>",
            escape_attr(&format!(
                "Ignored, the course's copies were used instead:\n{}",
                student.ignored.join("\n")
            )),
            student.ignored.len()
        ));
    }
    let p = percent(student.score, student.max_score);
    let mut row = format!(
        "<tr><td class=\"name\">{name}</td><td class=\"score\"><span class=\"points\"><b>{}</b> / {}</span> \
         <span class=\"meter\"><span style=\"width:{p}%\"></span></span></td>",
        number(student.score),
        number(student.max_score)
    );
    for (i, e) in class.exercises.iter().enumerate() {
        row.push_str(&match result_for(student, e) {
            Some(r) => format!(
                "<td class=\"cell {}\" title=\"{}\">{} {}</td>",
                slug(r.status),
                escape_attr(&tooltip(e, i, r)),
                symbol(r.status),
                number(r.score)
            ),
            None => "<td class=\"cell\" title=\"not graded\"></td>".to_string(),
        });
    }
    row.push_str("</tr>\n");
    row
}

/// "02 · Parallel on two workers", the status and score, and the start of
/// the message.
fn tooltip(e: &ExerciseInfo, index: usize, r: &ExerciseResult) -> String {
    let mut text = format!(
        "{} · {}\n{}: {} / {}",
        exercise_number(e, index),
        e.title,
        r.status.label(),
        number(r.score),
        number(r.max_score)
    );
    if !r.message.is_empty() {
        text.push_str("\n\n");
        text.push_str(super::cap_bytes(&r.message, TOOLTIP_BYTES));
        if r.message.len() > TOOLTIP_BYTES {
            text.push('…');
        }
    }
    text
}

/// Per student with anything not passed, a collapsed section with each
/// such exercise's full message (tooltips are cut, and touch screens have
/// none).
fn details(class: &ClassReport) -> String {
    let mut out = String::new();
    for student in &class.students {
        let problems: Vec<(usize, &ExerciseInfo, &ExerciseResult)> = class
            .exercises
            .iter()
            .enumerate()
            .filter_map(|(i, e)| result_for(student, e).map(|r| (i, e, r)))
            .filter(|(_, _, r)| r.status != Status::Passed)
            .collect();
        if problems.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<details>\n<summary><b>{}</b> · {} / {} · {} not passed</summary>\n",
            escape_text(&student.student),
            number(student.score),
            number(student.max_score),
            problems.len()
        ));
        for (i, e, r) in problems {
            out.push_str(&format!(
                "<div class=\"problem\"><h3><span class=\"chip {}\">{}</span>{} · {} <small>{}: {} / {}</small></h3>\n",
                slug(r.status),
                symbol(r.status),
                exercise_number(e, i),
                escape_text(&e.title),
                r.status.label(),
                number(r.score),
                number(r.max_score)
            ));
            let failed: Vec<&str> = r
                .tests
                .iter()
                .filter(|t| !t.passed)
                .map(|t| t.name.as_str())
                .collect();
            if !failed.is_empty() {
                out.push_str(&format!(
                    "<p>Tests not passed: {}</p>\n",
                    escape_text(&failed.join(", "))
                ));
            }
            if !r.message.is_empty() {
                out.push_str(&format!("<pre>{}</pre>\n", escape_text(&r.message)));
            }
            out.push_str("</div>\n");
        }
        out.push_str("</details>\n");
    }
    if out.is_empty() {
        return out;
    }
    format!("<section class=\"panel\">\n<h2>What went wrong</h2>\n{out}</section>\n")
}

/// No `<` or `&` in here: the page must stay well-formed XML.
const CSS: &str = r#"
:root {
  --ink: #1f2430; --muted: #667085; --line: #e4e7ec; --paper: #f6f7f9; --card: #ffffff;
  --accent: #7a4b2a;
  --passed: #1f9d55; --passed-bg: #dcf5e4; --passed-ink: #14532d;
  --failed: #e39b0b; --failed-bg: #fdf0cf; --failed-ink: #7a4a00;
  --compile-error: #dc3b3b; --compile-error-bg: #fbdcdc; --compile-error-ink: #8a1c1c;
  --timed-out: #7c5cd6; --timed-out-bg: #e9e2fb; --timed-out-ink: #4a2f99;
  --crashed: #c2267a; --crashed-bg: #f9d9ea; --crashed-ink: #7d1350;
  --missing: #b4bcc8; --missing-bg: #eef0f3; --missing-ink: #5b6472;
  --rejected: #39404d; --rejected-bg: #d9dce2; --rejected-ink: #1b1f27;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 16px;
  border-bottom: 3px solid var(--accent); padding-bottom: 8px; margin-bottom: 16px; }
h1 { margin: 0; font-size: 26px; color: var(--accent); letter-spacing: -0.5px; }
h1 span { color: var(--ink); font-weight: 400; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.6px; color: var(--muted); margin: 0 0 10px; }
small { color: var(--muted); font-weight: 400; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 12px; }
.card, .panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.card { padding: 12px 16px; }
.card .key { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.5px; }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.2; }
.card .value small { font-size: 14px; }
.meter { display: block; height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; margin-top: 6px; }
.meter span { display: block; height: 100%; background: var(--passed); }
.panel { padding: 14px 16px; margin-bottom: 12px; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 12px; align-items: start; }
.rates { display: grid; grid-auto-flow: column; grid-template-columns: minmax(0, 1fr); column-gap: 28px; }
.rates.two { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.rate { display: grid; grid-template-columns: 22px minmax(0, 1.3fr) minmax(0, 1fr) 74px; align-items: center;
  gap: 8px; padding: 3px 0; }
.rate .num { color: var(--muted); font-variant-numeric: tabular-nums; }
.rate .title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.rate .bar { display: flex; height: 14px; background: var(--missing-bg); border-radius: 4px; overflow: hidden; }
.rate .bar span { display: block; height: 100%; }
.rate .pct { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.bar .passed { background: var(--passed); } .bar .failed { background: var(--failed); }
.bar .compile-error { background: var(--compile-error); } .bar .timed-out { background: var(--timed-out); }
.bar .crashed { background: var(--crashed); } .bar .missing { background: var(--missing); }
.bar .rejected { background: var(--rejected); }
ul.protections { margin: 0; padding: 0; list-style: none; }
ul.protections li { padding: 3px 0 3px 22px; position: relative; }
ul.protections li::before { content: "✓"; position: absolute; left: 2px; color: var(--passed); font-weight: 700; }
.warn { margin: 0; color: var(--compile-error-ink); background: var(--compile-error-bg); padding: 6px 10px; border-radius: 6px; }
.head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 6px 16px;
  margin-bottom: 10px; }
.head h2 { margin: 0; }
ul.legend { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
ul.legend .hint { color: var(--muted); }
.chip { display: inline-flex; align-items: center; justify-content: center; min-width: 22px; height: 20px;
  border-radius: 5px; font-weight: 700; font-size: 12px; padding: 0 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: separate; border-spacing: 0; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: center; white-space: nowrap; }
th { background: var(--card); color: var(--muted); font-weight: 600; font-size: 12px; }
th.name, td.name { text-align: left; max-width: 240px; overflow: hidden; text-overflow: ellipsis; }
td.name { font-weight: 600; }
th.score, td.score { text-align: left; }
td.score .points { display: inline-block; min-width: 64px; }
td.score .meter { display: inline-block; width: 40px; height: 6px; margin: 0 0 1px 6px; vertical-align: middle; }
tbody tr:hover td { filter: brightness(0.96); }
td.cell { font-weight: 600; min-width: 42px; padding: 6px 3px; border-left: 2px solid var(--card); }
.passed.cell, .chip.passed { background: var(--passed-bg); color: var(--passed-ink); }
.failed.cell, .chip.failed { background: var(--failed-bg); color: var(--failed-ink); }
.compile-error.cell, .chip.compile-error { background: var(--compile-error-bg); color: var(--compile-error-ink); }
.timed-out.cell, .chip.timed-out { background: var(--timed-out-bg); color: var(--timed-out-ink); }
.crashed.cell, .chip.crashed { background: var(--crashed-bg); color: var(--crashed-ink); }
.missing.cell, .chip.missing { background: var(--missing-bg); color: var(--missing-ink); }
.rejected.cell, .chip.rejected { background: var(--rejected-bg); color: var(--rejected-ink); }
.badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600;
  background: var(--failed-bg); color: var(--failed-ink); cursor: help; }
details { border-top: 1px solid var(--line); padding: 6px 0; }
summary { cursor: pointer; }
.problem { margin: 8px 0 8px 18px; }
.problem h3 { font-size: 14px; margin: 0 0 4px; display: flex; align-items: center; gap: 8px; }
.problem p { margin: 0 0 4px; }
@media (max-width: 900px) {
  .cards { grid-template-columns: 1fr 1fr; }
  .columns, .rates.two { grid-template-columns: minmax(0, 1fr); }
  .rates.two { grid-auto-flow: row; grid-template-rows: none !important; }
}
pre { margin: 0; padding: 8px 10px; background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
"#;

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::grade::formats::xml::{self, Element};
    use crate::grade::model::{fixture, TestResult};

    fn page(class: &ClassReport) -> Element {
        let text = render(class);
        xml::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn is_well_formed_and_self_contained() {
        let text = render(&fixture::class());
        let root = page(&fixture::class());
        assert_eq!(root.name, "html");
        assert!(root.find_all("script").is_empty());
        assert!(root.find_all("link").is_empty() && root.find_all("img").is_empty());
        assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("url("));
        let csp = root
            .find_all("meta")
            .into_iter()
            .find(|m| m.attr("http-equiv").is_some())
            .unwrap();
        assert!(csp
            .attr("content")
            .unwrap()
            .starts_with("default-src 'none'"));
        assert!(!CSS.contains(['<', '&']));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let text = render(&fixture::class());
        assert!(!text.contains("<script>"));
        assert!(text.contains("bob &lt;script&gt;"));
        assert!(!text.contains("<b>\""), "the message's <b> is escaped");
        // Read back, the text is what the report said.
        let root = page(&fixture::class());
        let names: Vec<String> = root
            .find_all("td")
            .iter()
            .filter(|td| td.attr("class") == Some("name"))
            .map(|td| td.text())
            .collect();
        assert_eq!(names[1], "bob <script> 2 ignored");
        let pre = root.find_all("pre");
        assert!(pre
            .iter()
            .any(|p| p.text().ends_with("it finished & \"quoted\" <b>")));
    }

    #[test]
    fn has_the_sections_and_numbers() {
        let root = page(&fixture::class());
        let h2: Vec<String> = root.find_all("h2").iter().map(|h| h.text()).collect();
        assert_eq!(
            h2,
            [
                "Pass rate per exercise",
                "Protections",
                "Students",
                "What went wrong"
            ]
        );
        let cards: Vec<String> = root
            .find_all("div")
            .iter()
            .filter(|d| d.attr("class") == Some("value"))
            .map(|d| d.text())
            .collect();
        assert_eq!(cards, ["3", "6.67 / 15 · 44%", "1 of 3", "3 of 6 · 50%"]);
        let pct: Vec<String> = root
            .find_all("span")
            .iter()
            .filter(|s| s.attr("class") == Some("pct"))
            .map(|s| s.text())
            .collect();
        assert_eq!(pct, ["67% 2/3", "33% 1/3"]);
        let protections: Vec<String> = root
            .find_all("li")
            .iter()
            .take(2)
            .map(|l| l.text())
            .collect();
        assert_eq!(
            protections,
            [
                "network cut off (unshare -n)",
                "writes confined to the scratch folder (Landlock)"
            ]
        );
        assert_eq!(root.find_all("details").len(), 2, "bob and cy");
        let legend = root
            .find_all("ul")
            .into_iter()
            .find(|u| u.attr("class") == Some("legend"))
            .unwrap();
        assert_eq!(legend.find_all("span").len(), STATUSES.len());
    }

    #[test]
    fn cells_have_status_colour_score_and_tooltip() {
        let root = page(&fixture::class());
        let rows = root.find_all("tbody")[0].find_all("tr");
        assert_eq!(rows.len(), 3);
        let cells = rows[1].find_all("td");
        assert_eq!(cells.len(), 4, "name, score, two exercises");
        assert_eq!(cells[1].text(), "5 / 15 ");
        assert_eq!(cells[3].attr("class"), Some("cell failed"));
        assert_eq!(cells[3].text(), "✗ 5");
        let title = cells[3].attr("title").unwrap();
        assert!(
            title.starts_with("02 · Parallel on two workers\nfailed: 5 / 10\n\non one worker"),
            "{title}"
        );
        let cy = rows[2].find_all("td");
        assert_eq!(
            (cy[2].attr("class"), cy[3].attr("class")),
            (Some("cell compile-error"), Some("cell timed-out"))
        );
    }

    #[test]
    fn long_messages_are_cut_in_tooltips_only() {
        let mut class = fixture::class();
        class.students[1].exercises[1].message = "é".repeat(1000);
        let root = page(&class);
        let cell = &root.find_all("tbody")[0].find_all("tr")[1].find_all("td")[3];
        assert!(cell.attr("title").unwrap().ends_with('…'));
        assert!(root
            .find_all("pre")
            .iter()
            .any(|p| p.text() == "é".repeat(1000)));
    }

    #[test]
    fn no_protections_is_a_warning() {
        let mut class = fixture::class();
        class.protections.clear();
        assert!(render(&class).contains("<p class=\"warn\">None were active"));
    }

    /// A class the size of a real one: all sixteen exercises, two dozen
    /// students, every status. For looking at the dashboard at scale.
    fn full_class() -> ClassReport {
        let mut class = fixture::class();
        let titles = [
            "Interleaved on one worker",
            "Parallel on two workers",
            "Two dials",
            "Same answer",
            "Share by communicating",
            "Join and sort",
            "Disjoint writes",
            "Pick the primitive",
            "Amdahl",
            "Measure it",
            "Overlap waiting",
            "More tasks, not faster",
            "Hidden race",
            "Data race rejected",
            "Never ends",
            "Quiz",
        ];
        class.exercises = titles
            .iter()
            .enumerate()
            .map(|(i, t)| ExerciseInfo {
                name: format!(
                    "ex{:02}_{}",
                    i + 1,
                    t.to_lowercase().replace([' ', ','], "_")
                ),
                title: t.to_string(),
                points: 5.0,
            })
            .collect();
        let names = [
            "ada",
            "alan",
            "barbara",
            "bob <script>",
            "claude",
            "cy",
            "dennis",
            "donald",
            "edsger",
            "frances",
            "grace",
            "guido",
            "hedy",
            "ken",
            "leslie",
            "linus",
            "margaret",
            "niklaus",
            "radia",
            "rob",
            "shafi",
            "tim",
            "tony",
            "yukihiro",
        ];
        class.students = names
            .iter()
            .enumerate()
            .map(|(s, name)| {
                let exercises: Vec<ExerciseResult> = class
                    .exercises
                    .iter()
                    .enumerate()
                    .map(|(e, info)| {
                        // Later exercises are harder; a deterministic mix.
                        let roll = (s * 7 + e * 13 + s * e) % 23;
                        let status = match roll {
                            _ if e < 3 && roll < 18 => Status::Passed,
                            0..=11 => Status::Passed,
                            12..=15 => Status::Failed,
                            16..=17 => Status::CompileError,
                            18 => Status::TimedOut,
                            19 => Status::Crashed,
                            20..=21 => Status::Missing,
                            _ => Status::Rejected,
                        };
                        let score = match status {
                            Status::Passed => 5.0,
                            Status::Failed => 2.5,
                            _ => 0.0,
                        };
                        ExerciseResult {
                            name: info.name.clone(),
                            status,
                            score,
                            max_score: 5.0,
                            tests: vec![
                                TestResult {
                                    name: "first".into(),
                                    passed: score > 0.0,
                                    hidden: false,
                                },
                                TestResult {
                                    name: "second".into(),
                                    passed: status == Status::Passed,
                                    hidden: false,
                                },
                            ],
                            message: if status == Status::Passed {
                                String::new()
                            } else {
                                format!("{} in {}", status.label(), info.name)
                            },
                        }
                    })
                    .collect();
                let score = exercises.iter().map(|r| r.score).sum();
                StudentReport {
                    student: name.to_string(),
                    score,
                    max_score: 80.0,
                    exercises,
                    ignored: if s % 5 == 1 {
                        vec!["exercises/Cargo.toml".into()]
                    } else {
                        vec![]
                    },
                }
            })
            .collect();
        class
    }

    #[test]
    fn the_full_class_is_well_formed_too() {
        page(&full_class());
    }

    /// Renders the dashboard in headless Chromium, when there is one, and
    /// checks the screenshot has content. Set `BARISTA_SCREENSHOT_DIR` to
    /// keep the pages and screenshots for looking at.
    #[test]
    fn renders_in_chromium() {
        let chromium = Path::new("/usr/bin/chromium");
        if !chromium.exists() {
            eprintln!("note: /usr/bin/chromium not found, dashboard screenshot skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (name, class) in [("fixture", fixture::class()), ("full", full_class())] {
            let html = dir.path().join(format!("{name}.html"));
            std::fs::write(&html, render(&class)).unwrap();
            let shot = dir.path().join(format!("{name}.png"));
            screenshot(
                chromium,
                &html,
                &shot,
                &dir.path().join(format!("profile-{name}")),
            );
            let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(size > 10 * 1024, "{name}: screenshot of {size} bytes");
            if let Some(keep) = std::env::var_os("BARISTA_SCREENSHOT_DIR") {
                std::fs::create_dir_all(&keep).unwrap();
                std::fs::copy(
                    &shot,
                    Path::new(&keep).join(format!("dashboard-{name}.png")),
                )
                .unwrap();
                std::fs::copy(
                    &html,
                    Path::new(&keep).join(format!("dashboard-{name}.html")),
                )
                .unwrap();
            }
        }
    }

    /// Runs Chromium with nothing that reaches the network or a user
    /// profile, and a deadline, since a stuck browser must not hang tests.
    fn screenshot(chromium: &Path, html: &Path, shot: &Path, profile: &Path) {
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,900")
            .arg(format!("file://{}", html.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(90);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish in 90 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
