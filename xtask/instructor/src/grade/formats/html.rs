//! A class dashboard in one self-contained HTML file, written with maud
//! (which escapes every piece of report text by default): inline CSS
//! (`dashboard.css`), no script, no external resource (a
//! Content-Security-Policy forbids all three, so even a slip in escaping
//! could not run anything). It shows the class size and average, a bar per
//! exercise with how the class did, a student × exercise table with a
//! tooltip per cell, what went wrong per student, the protections that were
//! active and a legend.

use anyhow::Result;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::view::{ExerciseView, ResultView, StudentView};
use super::{number, percent, ClassView, Rendered};
use crate::grade::model::{printable, Status};
use xtask::text::{self, Keep};

/// The page's style; nothing in it may close the `<style>` element.
const CSS: &str = include_str!("dashboard.css");

/// What the page may load: its inline style, nothing else.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// A tooltip shows at most this much of a message; the details section
/// below the table has all of it.
const TOOLTIP_BYTES: usize = 600;

pub fn render(view: &ClassView) -> Result<Rendered> {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                title { "barista · class dashboard" }
                style { (PreEscaped(CSS)) }
            }
            body {
                main {
                    header {
                        h1 { "barista " span { "class dashboard" } }
                        p {
                            (view.students.len()) " students · " (view.exercises.len())
                            " exercises · " (number(view.max_score)) " points each"
                        }
                    }
                    (cards(view))
                    div.columns {
                        (pass_rates(view))
                        (protections(&view.class.protections))
                    }
                    (student_table(view))
                    (details(view))
                }
            }
        }
    };
    Ok(Rendered::Class(page.into_string() + "\n"))
}

/// The headline numbers: class size, average, full marks, exercises passed.
fn cards(view: &ClassView) -> Markup {
    let average = percent(view.average, view.max_score);
    #[allow(clippy::cast_precision_loss)]
    let rate = percent(view.results_passed as f64, view.results_graded as f64);
    let card = |key: &str, value: Markup, meter: Option<u32>| {
        html! {
            div.card {
                div.key { (key) }
                div.value { (value) }
                @if let Some(p) = meter {
                    div.meter { span style={ "width:" (p) "%" } {} }
                }
            }
        }
    };
    html! {
        section.cards {
            (card("Students", html! { (view.students.len()) }, None))
            (card("Class average", html! {
                (number(view.average)) " " small { "/ " (number(view.max_score)) " · " (average) "%" }
            }, Some(average)))
            (card("Full marks", html! {
                (view.full_marks) " " small { "of " (view.students.len()) }
            }, None))
            (card("Exercises passed", html! {
                (view.results_passed) " " small { "of " (view.results_graded) " · " (rate) "%" }
            }, Some(rate)))
        }
    }
}

/// A bar per exercise, split by how the class's submissions ended.
fn pass_rates(view: &ClassView) -> Markup {
    let size = view.students.len();
    // Past eight exercises the bars go in two columns, so that the student
    // table still starts on the first screen.
    let two = view.exercises.len() > 8;
    let rows = if two {
        view.exercises.len().div_ceil(2)
    } else {
        view.exercises.len()
    };
    // Counts of students: far below 2^52, exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let share = |n: usize| n as f64 * 100.0 / size as f64;
    #[allow(clippy::cast_precision_loss)]
    let passed = |n: usize| percent(n as f64, size as f64);
    let rate = |e: &ExerciseView| {
        html! {
            div.rate {
                span.num { (e.number) }
                span.title title={ (e.info.title) " · " (e.info.name) " (" (number(e.info.points)) " points)" } {
                    (e.info.title)
                }
                span.bar {
                    @for &(status, n) in &e.by_status {
                        span class=(status.slug()) style=(format!("width:{:.2}%", share(n)))
                            title={ (status.label()) ": " (n) " of " (size) } {}
                    }
                }
                span.pct { (passed(e.passed)) "% " small { (e.passed) "/" (size) } }
            }
        }
    };
    html! {
        section.panel {
            h2 { "Pass rate per exercise" }
            div.rates.two[two] style={ "grid-template-rows: repeat(" (rows.max(1)) ", auto)" } {
                @for e in &view.exercises { (rate(e)) }
            }
        }
    }
}

fn protections(protections: &[String]) -> Markup {
    html! {
        section.panel {
            h2 { "Protections" }
            @if protections.is_empty() {
                p.warn { "None were active: submissions ran without confinement." }
            } @else {
                ul.protections {
                    @for p in protections { li { (p) } }
                }
            }
        }
    }
}

/// Student × exercise, each cell coloured by status, with the score and a
/// tooltip saying what happened.
fn student_table(view: &ClassView) -> Markup {
    html! {
        section.panel {
            div.head {
                h2 { "Students" }
                ul.legend title="Legend" {
                    @for status in Status::ALL {
                        li { span class={ "chip " (status.slug()) } { (status.symbol()) } (status.label()) }
                    }
                    li.hint { "Hover a cell for its message." }
                }
            }
            div.scroll {
                table {
                    thead {
                        tr {
                            th.name { "Student" }
                            th.score { "Score" }
                            @for e in &view.exercises {
                                th title={ (e.info.title) " (" (number(e.info.points)) " points)" } { (e.number) }
                            }
                        }
                    }
                    tbody {
                        @for student in &view.students { (student_row(view, student)) }
                    }
                }
            }
        }
    }
}

fn student_row(view: &ClassView, student: &StudentView) -> Markup {
    let report = student.report;
    let ignored: Vec<String> = report.ignored.iter().map(|f| printable(f, false)).collect();
    html! {
        tr {
            td.name {
                // The name may be cut to fit (its title says it whole); the
                // badge beside it never is.
                div.who {
                    span.full title=(student.name) { (student.name) }
                    @if !ignored.is_empty() {
                        // Files the student changed that grading replaced: worth a look.
                        " "
                        span.badge title={ "Ignored, the course's copies were used instead:\n" (ignored.join("\n")) } {
                            (ignored.len()) " ignored"
                        }
                    }
                }
            }
            td.score {
                span.points { b { (number(report.score)) } " / " (number(report.max_score)) }
                " "
                span.meter { span style={ "width:" (percent(report.score, report.max_score)) "%" } {} }
            }
            @for (e, result) in view.exercises.iter().zip(&student.results) {
                @match result {
                    Some(r) => td class={ "cell " (r.result.status.slug()) } title=(tooltip(e, r)) {
                        (r.result.status.symbol()) " " (number(r.result.score))
                    },
                    None => td.cell title="not graded" {},
                }
            }
        }
    }
}

/// "02 · Parallel on two workers", the status and score, and the start of
/// the message.
fn tooltip(e: &ExerciseView, r: &ResultView) -> String {
    let mut text = format!(
        "{} · {}\n{}: {} / {}",
        e.number,
        e.info.title,
        r.result.status.label(),
        number(r.result.score),
        number(r.result.max_score)
    );
    if !r.message.is_empty() {
        text.push_str("\n\n");
        text.push_str(&text::cap(&r.message, Keep::Bytes(TOOLTIP_BYTES)));
    }
    text
}

/// Per student with anything not passed, a collapsed section with each
/// such exercise's full message (tooltips are cut, and touch screens have
/// none).
fn details(view: &ClassView) -> Markup {
    let needing = view.not_all_passed();
    if needing.is_empty() {
        return html! {};
    }
    html! {
        section.panel {
            h2 { "What went wrong" }
            @for student in needing {
                details {
                    summary {
                        b { (student.name) } " · " (number(student.report.score)) " / "
                        (number(student.report.max_score)) " · " (student.not_passed().count()) " not passed"
                    }
                    @for (i, r) in student.not_passed() {
                        (problem(&view.exercises[i], r))
                    }
                }
            }
        }
    }
}

fn problem(e: &ExerciseView, r: &ResultView) -> Markup {
    let status = r.result.status;
    let failed: Vec<&str> = r
        .tests
        .iter()
        .filter(|t| t.status != Status::Passed && !r.result.tests.is_empty())
        .map(|t| t.name)
        .collect();
    html! {
        div.problem {
            h3 {
                span class={ "chip " (status.slug()) } { (status.symbol()) }
                (e.number) " · " (e.info.title) " "
                small { (status.label()) ": " (number(r.result.score)) " / " (number(r.result.max_score)) }
            }
            @if !failed.is_empty() {
                p { "Tests not passed: " (failed.join(", ")) }
            }
            @if !r.message.is_empty() {
                pre { (r.message) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use scraper::{ElementRef, Html, Selector};

    use super::*;
    use crate::grade::formats::{text, Format};
    use crate::grade::model::{fixture, ClassReport, ExerciseInfo, ExerciseResult, StudentReport};

    fn render(class: &ClassReport) -> String {
        text(Format::Html, &ClassView::new(class)).unwrap()
    }

    /// The page as a browser reads it: HTML5's parsing rules, entities
    /// decoded.
    fn page(class: &ClassReport) -> Html {
        let page = Html::parse_document(&render(class));
        assert!(page.errors.is_empty(), "{:?}", page.errors);
        page
    }

    fn all<'a>(page: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
        page.select(&Selector::parse(selector).unwrap()).collect()
    }

    fn texts(page: &Html, selector: &str) -> Vec<String> {
        all(page, selector)
            .iter()
            .map(|e| e.text().collect())
            .collect()
    }

    #[test]
    fn is_valid_and_self_contained() {
        let text = render(&fixture::class());
        assert!(text.starts_with("<!DOCTYPE html>") && text.ends_with("</html>\n"));
        let page = page(&fixture::class());
        for outside in ["script", "link", "img", "iframe", "object"] {
            assert!(all(&page, outside).is_empty(), "{outside}");
        }
        assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("url("));
        let csp = all(&page, "meta[http-equiv]")[0];
        assert!(csp
            .value()
            .attr("content")
            .unwrap()
            .starts_with("default-src 'none'"));
        assert_eq!(texts(&page, "style"), [CSS]);
        assert!(!CSS.contains("</"), "the style cannot close its element");
    }

    /// The CSS declarations of `selector`'s rule, as written.
    fn rule(selector: &str) -> String {
        let at = CSS
            .find(&format!("\n{selector} {{"))
            .unwrap_or_else(|| panic!("no rule {selector}"));
        let body = &CSS[at..];
        body[body.find('{').unwrap() + 1..body.find('}').unwrap()].to_string()
    }

    #[test]
    fn a_long_name_is_cut_with_a_tooltip_and_its_badge_stays_whole() {
        let mut class = fixture::class();
        let long = format!("{}-the-end", "a-very-long-student-folder-name".repeat(4));
        class.students[1].student = long.clone();
        let page = page(&class);
        let row = all(&page, "td.name")[1];
        let who = row
            .select(&Selector::parse(".who").unwrap())
            .next()
            .unwrap();
        let full = who
            .select(&Selector::parse(".full").unwrap())
            .next()
            .unwrap();
        assert_eq!(
            full.value().attr("title"),
            Some(long.as_str()),
            "the whole name"
        );
        assert_eq!(full.text().collect::<String>(), long);
        // The badge is beside the name, not inside what is cut, and the
        // cut never reaches it.
        let badge = who
            .select(&Selector::parse(".badge").unwrap())
            .next()
            .unwrap();
        assert!(badge.ancestors().all(|a| a.id() != full.id()));
        assert!(rule("td.name .full").contains("overflow: hidden"));
        assert!(rule("td.name .badge").contains("flex: none"));
        assert!(!rule("td.name .who").contains("overflow"));
        assert!(!rule("th.name, td.name").contains("overflow"));
    }

    #[test]
    fn exercise_titles_in_the_pass_rates_are_shown_whole() {
        let class = fixture::class();
        let page = page(&class);
        let titles = texts(&page, ".rate .title");
        assert_eq!(
            titles,
            ["Interleaved on one worker", "Parallel on two workers"]
        );
        let title = rule(".rate .title");
        assert!(
            !title.contains("overflow: hidden") && !title.contains("nowrap"),
            "{title}"
        );
    }

    #[test]
    fn hostile_text_is_escaped() {
        let mut class = fixture::class();
        class.students[2].student = "cy\x1b[31m</td>".into();
        class.students[2].exercises[0].message = "error\x1b[2J: </pre>".into();
        let text = render(&class);
        assert!(!text.contains("<script>") && !text.contains("</td>\x1b"));
        assert!(text.contains("bob &lt;script&gt;"));
        assert!(!text.contains("<b>\""), "the message's <b> is escaped");
        assert!(!text.contains('\x1b'));
        // Read back, the text is what the report said.
        let page = page(&class);
        let names = texts(&page, "td.name");
        assert_eq!(names[1], "bob <script> 2 ignored");
        assert_eq!(names[2], "cy\\u{1b}[31m</td>");
        let pre = texts(&page, "pre");
        assert!(pre
            .iter()
            .any(|p| p.ends_with("it finished & \"quoted\" <b>")));
        assert!(
            pre.contains(&"error\\u{1b}[2J: </pre>".to_string()),
            "{pre:?}"
        );
    }

    #[test]
    fn has_the_sections_and_numbers() {
        let page = page(&fixture::class());
        assert_eq!(
            texts(&page, "h2"),
            [
                "Pass rate per exercise",
                "Protections",
                "Students",
                "What went wrong"
            ]
        );
        assert_eq!(
            texts(&page, "div.value"),
            ["3", "6.67 / 15 · 44%", "1 of 3", "3 of 6 · 50%"]
        );
        assert_eq!(texts(&page, "span.pct"), ["67% 2/3", "33% 1/3"]);
        assert_eq!(
            texts(&page, "ul.protections li"),
            [
                "network cut off (unshare -n)",
                "writes confined to the scratch folder (Landlock)"
            ]
        );
        assert_eq!(all(&page, "details").len(), 2, "bob and cy");
        assert_eq!(all(&page, "ul.legend span.chip").len(), Status::ALL.len());
        let bar: Vec<(&str, &str)> = all(&page, "span.bar")[1]
            .child_elements()
            .map(|s| {
                (
                    s.value().attr("class").unwrap(),
                    s.value().attr("title").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            bar,
            [
                ("passed", "passed: 1 of 3"),
                ("failed", "failed: 1 of 3"),
                ("timed-out", "timed out: 1 of 3")
            ]
        );
    }

    #[test]
    fn cells_have_status_colour_score_and_tooltip() {
        let page = page(&fixture::class());
        let rows = all(&page, "tbody tr");
        assert_eq!(rows.len(), 3);
        let td = Selector::parse("td").unwrap();
        let cells: Vec<ElementRef> = rows[1].select(&td).collect();
        assert_eq!(cells.len(), 4, "name, score, two exercises");
        assert_eq!(cells[1].text().collect::<String>(), "5 / 15 ");
        assert_eq!(cells[3].value().attr("class"), Some("cell failed"));
        assert_eq!(cells[3].text().collect::<String>(), "✗ 5");
        let title = cells[3].value().attr("title").unwrap();
        assert!(
            title.starts_with("02 · Parallel on two workers\nfailed: 5 / 10\n\non one worker"),
            "{title}"
        );
        let cy: Vec<ElementRef> = rows[2].select(&td).collect();
        assert_eq!(
            (cy[2].value().attr("class"), cy[3].value().attr("class")),
            (Some("cell compile-error"), Some("cell timed-out"))
        );
    }

    #[test]
    fn long_messages_are_cut_in_tooltips_only() {
        let mut class = fixture::class();
        class.students[1].exercises[1].message = "é".repeat(1000);
        let page = page(&class);
        let cell = all(&page, "tbody tr:nth-child(2) td.cell")[1];
        let title = cell.value().attr("title").unwrap();
        assert!(title.ends_with("more bytes]"), "{title}");
        assert!(texts(&page, "pre").contains(&"é".repeat(1000)));
    }

    #[test]
    fn no_protections_is_a_warning() {
        let mut class = fixture::class();
        class.protections.clear();
        let page = page(&class);
        assert_eq!(
            texts(&page, "p.warn"),
            ["None were active: submissions ran without confinement."]
        );
    }

    /// A class the size of a real one: sixteen exercises (bars in two
    /// columns), two dozen students, every status.
    fn full_class() -> ClassReport {
        let mut class = fixture::class();
        class.exercises = (1..=16)
            .map(|i| ExerciseInfo {
                name: format!("ex{i:02}_lesson"),
                title: format!("Lesson {i}, with a longer title"),
                points: 5.0,
                tests: vec![],
            })
            .collect();
        let mut students = Vec::new();
        for s in 0..24 {
            let exercises: Vec<ExerciseResult> = class
                .exercises
                .iter()
                .enumerate()
                .map(|(e, info)| {
                    // Later exercises are harder; a deterministic mix.
                    let status = match (s * 7 + e * 13 + s * e) % 23 {
                        0..=11 => Status::Passed,
                        12..=15 => Status::Failed,
                        16 | 17 => Status::CompileError,
                        18 => Status::TimedOut,
                        19 => Status::Crashed,
                        20 | 21 => Status::Missing,
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
                        tests: vec![],
                        message: format!("{} in {}", status.label(), info.name),
                        seconds: None,
                    }
                })
                .collect();
            students.push(StudentReport {
                student: if s == 3 {
                    "bob <script>".into()
                } else {
                    format!("student {s:02}")
                },
                score: exercises.iter().map(|r| r.score).sum(),
                max_score: 80.0,
                exercises,
                ignored: vec![],
            });
        }
        class.students = students;
        class
    }

    #[test]
    fn the_full_class_reads_back_whole() {
        let page = page(&full_class());
        assert_eq!(all(&page, "tbody tr").len(), 24);
        assert_eq!(all(&page, "div.rates.two div.rate").len(), 16);
        for status in Status::ALL {
            let cells = all(&page, &format!("td.cell.{}", status.slug()));
            assert!(!cells.is_empty(), "{status:?}");
        }
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
