//! Exercise 9 · Amdahl's law.

#[macro_use]
mod common;
exercise!(ex09_amdahl);

use barista::amdahl;
use common::{attempt, close, expect_text, look};

/// The exercise's `speedup`, at the type these tests judge.
fn speedup(p: f64, n: usize) -> f64 {
    exercise::speedup(p, n)
}

/// The exercise's `ceiling`, at the type these tests judge.
fn ceiling(p: f64) -> f64 {
    exercise::ceiling(p)
}

/// The exercise's `table`, at the type these tests judge.
fn table() -> String {
    exercise::table()
}

/// The four lines the Go program on the reference page prints.
const TABLE: &str = "\
P=0.50  | 4 cores:  1.60x | 16 cores:  1.88x | ceiling:   2.00x
P=0.90  | 4 cores:  3.08x | 16 cores:  6.40x | ceiling:  10.00x
P=0.95  | 4 cores:  3.48x | 16 cores:  9.14x | ceiling:  20.00x
P=0.99  | 4 cores:  3.88x | 16 cores: 13.91x | ceiling: 100.00x
";

#[test]
fn speedup_follows_the_law() {
    for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0] {
        for n in [1, 2, 3, 4, 8, 16, 64, 1_000] {
            let got = attempt(&format!("speedup({p:?}, {n})"), || speedup(p, n));
            let want = amdahl::speedup(p, n);
            assert!(
                close(got, want),
                "{}",
                look(format!(
                    "speedup({p:?}, {n}) = {got}, but Amdahl's law gives {want:.6}"
                ))
            );
        }
    }
}

#[test]
fn the_limits_make_sense() {
    let n = 16;
    let none = attempt("speedup(0.0, 16)", || speedup(0.0, n));
    assert!(
        close(none, 1.0),
        "{}",
        look(format!(
            "speedup(0.0, 16) = {none}: with nothing parallel, 16 workers are no faster than 1"
        ))
    );
    let all = attempt("speedup(1.0, 16)", || speedup(1.0, n));
    assert!(
        close(all, 16.0),
        "{}",
        look(format!(
            "speedup(1.0, 16) = {all}: with everything parallel, 16 workers are 16 times faster"
        ))
    );
    let one = attempt("speedup(0.9, 1)", || speedup(0.9, 1));
    assert!(
        close(one, 1.0),
        "{}",
        look(format!(
            "speedup(0.9, 1) = {one}: one worker is the baseline, 1x"
        ))
    );
    for p in [0.0, 0.5, 0.9, 0.95, 0.99] {
        let got = attempt(&format!("ceiling({p:?})"), || ceiling(p));
        let want = amdahl::ceiling(p);
        assert!(
            close(got, want),
            "{}",
            look(format!(
                "ceiling({p:?}) = {got}, but no number of workers gets a program that is \
                 {p:?} parallel past {want:.6}x"
            ))
        );
        let far = attempt(&format!("speedup({p:?}, 1000000)"), || {
            speedup(p, 1_000_000)
        });
        assert!(
            far <= got * (1.0 + 1e-9),
            "{}",
            look(format!(
                "speedup({p:?}, 1000000) = {far} is above ceiling({p:?}) = {got}: \
                 the ceiling is what no number of workers can beat"
            ))
        );
    }
    let unbounded = attempt("ceiling(1.0)", || ceiling(1.0));
    assert!(
        unbounded.is_infinite(),
        "{}",
        look(format!(
            "ceiling(1.0) = {unbounded}: a program with no serial part has no ceiling (1 / 0 is infinite in f64)"
        ))
    );
}

#[test]
fn the_reference_page_table() {
    let table = attempt("table()", table);
    expect_text("the table", &table, TABLE);
}

#[test]
fn question_the_ceiling_at_95_percent() {
    let answer: f64 = exercise::MOST_SPEEDUP_AT_95_PERCENT;
    assert!(
        close(answer, 20.0),
        "{}",
        look(format!(
            "MOST_SPEEDUP_AT_95_PERCENT = {answer:?} is not the most a program that is 95% \
             parallel can be sped up. The serial 5% takes as long on any number of workers: \
             what is the best the whole run can do then?"
        ))
    );
}
