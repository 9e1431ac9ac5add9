//! Exercise 14 · Rust rejects the data race.
//!
//! As shipped, the exercise does not compile: the compiler's error is the
//! lesson, and until it is gone this test target does not build (the
//! learner sees the error; no other exercise is affected, each being a
//! target of its own).

#[macro_use]
mod common;
exercise!(ex14_data_race_rejected);

use common::look;

#[test]
fn four_threads_count_to_4000() {
    // Several times: a counter that loses updates would not lose them
    // every time.
    for _ in 0..20 {
        let counted: u64 = exercise::count();
        assert!(
            counted == 4000,
            "{}",
            look(match counted {
                0 => "it compiles, but the shared counter stays 0: each thread counted a \
                      copy of its own (`move` copies a `u64`)"
                    .to_string(),
                n if n < 4000 =>
                    format!("it compiles, but counted {n} of 4000: increments were lost on the way"),
                n => format!("counted {n}, more than the 4000 increments the threads make"),
            })
        );
    }
}
