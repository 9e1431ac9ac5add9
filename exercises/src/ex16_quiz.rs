// Exercise 16 · Check your understanding
//
// Five questions on what the course has shown, one `const` each. Every
// question is an enum: its variants `A` to `D` are the options (read their
// doc comments), and `Unanswered` is where each answer starts. Change the
// `const` to the option you think is right, for example
// `pub const Q1: Q1Answer = Q1Answer::C;`, and run the tests: a wrong answer
// fails with the reason that option is wrong, so you can think again.
//
// The questions come from the end of the Go page this course follows. In
// Rust terms: a goroutine is a task, `GOMAXPROCS` is barista's worker limit
// (`BARISTA_WORKERS`, `barista::workers()`), a Go channel is a tokio
// `mpsc` channel, and `sync.Mutex` is `std::sync::Mutex`.
//
// What to do: answer all five. A last test prints your score.

/// Question 1: Which statement is correct?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Q1Answer {
    Unanswered,
    /// Concurrency and parallelism are two names for the same thing: tasks
    /// running at the same instant.
    A,
    /// Concurrency is how code is structured into independent tasks;
    /// parallelism is those tasks running at the same instant on several
    /// cores. On one core, concurrent code is interleaved, not parallel.
    B,
    /// Concurrent code needs at least two cores; on one core its tasks run
    /// one after another and the program is no longer concurrent.
    C,
    /// Parallelism is the design of the program; concurrency is what the
    /// runtime makes of it when the machine has several cores.
    D,
}

// TODO: answer question 1.
pub const Q1: Q1Answer = Q1Answer::Unanswered;

/// Question 2: What does CSP (Communicating Sequential Processes)
/// contribute to Go?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Q2Answer {
    Unanswered,
    /// A memory model under which plain shared variables may safely be
    /// written from many goroutines without locks.
    A,
    /// Green threads: a way to start millions of cheap goroutines.
    B,
    /// A scheduler that spreads goroutines over every core in parallel.
    C,
    /// Channels, with send and receive as first-class operations: processes
    /// share memory by communicating, instead of communicating by sharing
    /// memory.
    D,
}

// TODO: answer question 2.
pub const Q2: Q2Answer = Q2Answer::Unanswered;

/// Question 3: What controls how many tasks run truly in parallel?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Q3Answer {
    Unanswered,
    /// The worker limit: `GOMAXPROCS` in Go, `BARISTA_WORKERS` (read with
    /// `barista::workers()`) here.
    A,
    /// How many tasks the program spawns: spawn more, run more at once.
    B,
    /// How many channels connect the tasks.
    C,
    /// The number of CPU cores, always; no program or setting can change it.
    D,
}

// TODO: answer question 3.
pub const Q3: Q3Answer = Q3Answer::Unanswered;

/// Question 4: A program is 95% parallelizable. By Amdahl's law, what is
/// the most it can be sped up, however many cores are added?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Q4Answer {
    Unanswered,
    /// 95 times: the parallel part scales with the cores.
    A,
    /// Without limit: every added core makes it faster still.
    B,
    /// 20 times.
    C,
    /// About 3.5 times.
    D,
}

// TODO: answer question 4.
pub const Q4: Q4Answer = Q4Answer::Unanswered;

/// Question 5: When should you reach for a channel instead of a mutex?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Q5Answer {
    Unanswered,
    /// Always: channels are the idiomatic tool, and they are faster than
    /// locks.
    A,
    /// When moving data between tasks or orchestrating who does what; a
    /// mutex is the simpler tool for guarding one thing's internal state in
    /// a small, hot critical section.
    B,
    /// When guarding a struct's internal state, such as the map inside a
    /// cache.
    C,
    /// Never in Rust: ownership already prevents every concurrency bug, so
    /// channels add nothing.
    D,
}

// TODO: answer question 5.
pub const Q5: Q5Answer = Q5Answer::Unanswered;
