//! A gradebook sheet: one row per student, `student,total,max` and then
//! one column per exercise (named as in the curriculum) with its score.
//! RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote
//! or a line break, quotes doubled.

use super::{number, result_for};
use crate::grade::model::ClassReport;

pub fn render(class: &ClassReport) -> String {
    let mut header = vec![
        "student".to_string(),
        "total".to_string(),
        "max".to_string(),
    ];
    header.extend(class.exercises.iter().map(|e| e.name.clone()));
    let mut out = row(&header);
    for student in &class.students {
        let mut fields = vec![
            defuse_formula(&student.student),
            number(student.score),
            number(student.max_score),
        ];
        // An exercise the student has no result for stays empty, not 0:
        // "not graded" and "graded zero" differ in a gradebook.
        fields.extend(class.exercises.iter().map(|e| {
            result_for(student, e)
                .map(|r| number(r.score))
                .unwrap_or_default()
        }));
        out.push_str(&row(&fields));
    }
    out
}

fn row(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| quote(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A field as RFC 4180 writes it.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a
/// formula; the student name is the one field a student chooses (it is
/// their folder's name), so such a name is prefixed with `'`, which
/// spreadsheets show as text.
fn defuse_formula(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    /// An RFC 4180 reader, strict: a quote inside an unquoted field, text
    /// after a closing quote, a bare line feed, an unclosed quote or a last
    /// line without CRLF is an error.
    fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
        let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
        let (mut in_quotes, mut closed_quote, mut field_start) = (false, false, true);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => (in_quotes, closed_quote) = (false, true),
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field_start => (in_quotes, field_start) = (true, false),
                ',' => {
                    row.push(std::mem::take(&mut field));
                    (field_start, closed_quote) = (true, false);
                }
                '\r' if chars.next() == Some('\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                    (field_start, closed_quote) = (true, false);
                }
                '"' | '\r' | '\n' => return Err(format!("bare {c:?} in an unquoted field")),
                _ if closed_quote => return Err("text after a closing quote".into()),
                c => {
                    field.push(c);
                    field_start = false;
                }
            }
        }
        if in_quotes {
            return Err("unclosed quote".into());
        }
        if !row.is_empty() || !field_start {
            return Err("the last line has no CRLF".into());
        }
        Ok(rows)
    }

    #[test]
    fn the_reader_reads_rfc_4180() {
        let rows = parse("a,\"b,\"\"c\"\"\r\nd\",\r\n").unwrap();
        assert_eq!(
            rows,
            [vec![
                "a".to_string(),
                "b,\"c\"\r\nd".to_string(),
                String::new()
            ]]
        );
        for broken in ["a\"b\r\n", "\"a\r\n", "a\n", "a,b", "a,", "\"a\"b\r\n"] {
            assert!(parse(broken).is_err(), "{broken:?}");
        }
    }

    #[test]
    fn one_row_per_student_with_scores() {
        let rows = parse(&render(&fixture::class())).unwrap();
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
        let rows = parse(&text).unwrap();
        assert_eq!(rows[1][0], "Lovelace, \"Ada\"\nA.");
        assert_eq!(rows[2][1], "2.5");
        assert_eq!(rows[3][4], "", "an exercise without a result stays empty");
    }

    #[test]
    fn formulas_are_defused() {
        let mut class = fixture::class();
        class.students[0].student = "=HYPERLINK(\"x\")".into();
        let rows = parse(&render(&class)).unwrap();
        assert_eq!(rows[1][0], "'=HYPERLINK(\"x\")");
        assert_eq!(quote("plain"), "plain");
    }
}
