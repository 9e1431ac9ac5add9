//! barista's own format: the class report as it is, pretty-printed. The
//! schema (version `ClassReport::SCHEMA`) is documented field by field in
//! docs/grading.md; it is what the other formats can be rebuilt from.

use anyhow::Result;

use super::{ClassView, Rendered};

pub fn render(view: &ClassView) -> Result<Rendered> {
    Ok(Rendered::Class(super::json_file(view.class)?))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::grade::formats::{text, Format};
    use crate::grade::model::{fixture, ClassReport};

    fn render(class: &ClassReport) -> anyhow::Result<String> {
        text(Format::Json, &ClassView::new(class))
    }

    #[test]
    fn reads_back_as_the_same_report() {
        let class = fixture::class();
        let text = render(&class).unwrap();
        let back: ClassReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, class);
    }

    /// The field names and status spellings are the documented schema:
    /// renaming one is a schema change, so a test should notice.
    #[test]
    fn has_the_documented_fields() {
        let value: Value = serde_json::from_str(&render(&fixture::class()).unwrap()).unwrap();
        let keys = |v: &Value| {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(value["schema"], 1);
        assert_eq!(
            keys(&value),
            ["exercises", "protections", "schema", "students"]
        );
        assert_eq!(
            keys(&value["exercises"][0]),
            ["name", "points", "tests", "title"]
        );
        assert_eq!(keys(&value["exercises"][0]["tests"][0]), ["code", "name"]);
        let bob = &value["students"][1];
        assert_eq!(
            keys(bob),
            ["exercises", "ignored", "max_score", "score", "student"]
        );
        assert_eq!(
            keys(&bob["exercises"][1]),
            [
                "max_score",
                "message",
                "name",
                "score",
                "seconds",
                "status",
                "tests"
            ]
        );
        assert_eq!(
            keys(&bob["exercises"][1]["tests"][0]),
            ["message", "name", "passed", "seconds"]
        );
        assert_eq!(
            keys(&value["students"][2]["exercises"][0]["tests"][0]),
            ["name", "passed"],
            "a test that did not run has no message or time"
        );
        assert_eq!(bob["exercises"][1]["status"], "failed");
        assert_eq!(
            value["students"][2]["exercises"][0]["status"],
            "compile_error"
        );
        assert_eq!(value["students"][2]["exercises"][1]["status"], "timed_out");
    }
}
