//! A gradebook sheet: one row per student, `student,total,max` and then
//! one column per exercise (named as in the curriculum) with its score.
//! RFC 4180, as the `csv` crate writes it: CRLF line ends, fields quoted
//! when they need it, quotes doubled.

use anyhow::Result;

use super::{number, ClassView, Rendered};
use crate::grade::model::printable;

pub fn render(view: &ClassView) -> Result<Rendered> {
    let mut sheet = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec!["student", "total", "max"];
    header.extend(view.exercises.iter().map(|e| e.info.name.as_str()));
    sheet.write_record(&header)?;
    for student in &view.students {
        let mut row = vec![
            // Line breaks may stay (quoted, they are part of the field);
            // other control characters are written out.
            defuse_formula(&printable(&student.report.student, true)),
            number(student.report.score),
            number(student.report.max_score),
        ];
        // An exercise the student has no result for stays empty, not 0:
        // "not graded" and "graded zero" differ in a gradebook.
        row.extend(student.results.iter().map(|r| {
            r.as_ref()
                .map(|r| number(r.result.score))
                .unwrap_or_default()
        }));
        sheet.write_record(&row)?;
    }
    Ok(Rendered::Class(String::from_utf8(sheet.into_inner()?)?))
}

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a
/// formula; the student name is the one field a student chooses (it is
/// their folder's name), so such a name is prefixed with `'`, which
/// spreadsheets show as text.
fn defuse_formula(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::formats::{text, Format};
    use crate::grade::model::{fixture, ClassReport};

    fn render(class: &ClassReport) -> String {
        text(Format::Csv, &ClassView::new(class)).unwrap()
    }

    /// The sheet as a spreadsheet reads it, after checking that every
    /// record ends in CRLF (RFC 4180's line end).
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows = reader
            .records()
            .map(|record| record.unwrap().iter().map(str::to_string).collect())
            .collect();
        // Every line break outside a quoted field is CRLF.
        let mut quoted = false;
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => assert_eq!(bytes[i - 1], b'\r', "a bare LF at byte {i}"),
                _ => {}
            }
        }
        assert!(text.ends_with("\r\n"));
        rows
    }

    #[test]
    fn one_row_per_student_with_scores() {
        let rows = parse(&render(&fixture::class()));
        assert_eq!(
            rows[0],
            [
                "student",
                "total",
                "max",
                "ex01_interleaved",
                "ex02_parallel"
            ]
        );
        assert_eq!(rows[1], ["ada", "15", "15", "5", "10"]);
        assert_eq!(rows[2], ["bob <script>", "5", "15", "5", "5"]);
        assert_eq!(rows[3], ["cy", "0", "15", "0", "0"]);
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn awkward_names_round_trip() {
        let mut class = fixture::class();
        class.students[0].student = "Lovelace, \"Ada\"\nA.".into();
        class.students[1].score = 2.5;
        class.students[2].exercises.pop();
        let text = render(&class);
        assert!(
            text.contains("\r\n\"Lovelace, \"\"Ada\"\"\nA.\",15,15,5,10\r\n"),
            "{text:?}"
        );
        let rows = parse(&text);
        assert_eq!(rows[1][0], "Lovelace, \"Ada\"\nA.");
        assert_eq!(rows[2][1], "2.5");
        assert_eq!(rows[3][4], "", "an exercise without a result stays empty");
    }

    #[test]
    fn control_characters_are_written_out() {
        let mut class = fixture::class();
        class.students[0].student = "ctl\x1b[31mred\rrow\u{7}".into();
        let text = render(&class);
        assert!(!text.contains(['\x1b', '\u{7}']), "{text:?}");
        assert_eq!(parse(&text)[1][0], "ctl\\u{1b}[31mred\\u{d}row\\u{7}");
    }

    #[test]
    fn formulas_are_defused() {
        let mut class = fixture::class();
        class.students[0].student = "=HYPERLINK(\"x\")".into();
        class.students[1].student = "\tx".into();
        let rows = parse(&render(&class));
        assert_eq!(rows[1][0], "'=HYPERLINK(\"x\")");
        assert_eq!(rows[2][0], "'\tx");
        assert_eq!(defuse_formula("plain"), "plain");
    }
}
