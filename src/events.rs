//! Task ids and the compact event stream each thread records.
//!
//! The hot path writes variable-length records into a thread's own byte
//! buffer, as perf's ring buffers and tracing's binary formats do: a tag byte,
//! then LEB128 numbers, each task id and timestamp as a (zigzag) difference
//! from the previous one in the same buffer. The worker is the buffer's, not
//! the record's. A poll of the next task in line, 300 ns after the last, takes
//! 5 bytes; a fixed 32-byte record used to. Decoding happens once, when the
//! run ends ([`crate::trace::Trace::collect`]).

use std::num::NonZeroU64;

use serde::Serialize;

/// Identifies a task within one run: 1 for `main`, then the tasks in the
/// order they were spawned. Never zero, so `Option<TaskId>` (a parent) takes
/// no more room than an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskId(NonZeroU64);

impl TaskId {
    pub(crate) fn new(id: u64) -> Self {
        TaskId(NonZeroU64::new(id).expect("task ids start at 1"))
    }

    /// The id as a number.
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

/// tokio's id of a task as a number: the key under which the hot path
/// records it (tokio keeps it, so a traced task carries no id of its own).
/// tokio offers no accessor; its `Id` hashes as the one `u64` it holds.
pub(crate) fn tokio_key(id: tokio::task::Id) -> u64 {
    struct Key(u64);
    impl std::hash::Hasher for Key {
        fn write(&mut self, bytes: &[u8]) {
            // Not taken by today's tokio (it writes one u64); kept unique
            // enough should that change.
            for byte in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
            }
        }
        fn write_u64(&mut self, n: u64) {
            self.0 = n;
        }
        fn finish(&self) -> u64 {
            self.0
        }
    }
    let mut key = Key(0);
    std::hash::Hash::hash(&id, &mut key);
    key.0
}

/// Keys of traced threads' tasks: above any tokio task id, and kept out of
/// the dense table a trace is read into.
pub(crate) const THREAD_KEYS: u64 = 1 << 62;

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Returned,
    Panicked,
}

impl Ended {
    pub(crate) fn from_panicked(panicked: bool) -> Self {
        if panicked {
            Ended::Panicked
        } else {
            Ended::Returned
        }
    }
}

/// One record, decoded. Tasks are keys (see [`tokio_key`]); times are raw
/// clock readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Spawned {
        task: u64,
        parent: Option<u64>,
        at: u64,
    },
    /// A name given at the spawn (`spawn_named`, `main`): it wins.
    Named { task: u64, name: &'static str },
    /// The first `#[barista::task]` function a poll ran: the task's name
    /// is the one from its earliest poll, unless it was named at the spawn.
    Adopted {
        task: u64,
        name: &'static str,
        poll_start: u64,
    },
    /// A poll; the task's last poll says how it ended.
    Polled {
        task: u64,
        ended: Option<Ended>,
        start: u64,
        end: u64,
    },
    /// How a task ended, when the trace is too full to keep its last poll.
    Finished { task: u64, at: u64, panicked: bool },
    /// The schedule made the task give way at this choice point.
    Switched { task: u64, at: u64, point: u64 },
}

impl Event {
    /// The task the record is about.
    pub(crate) fn task(&self) -> u64 {
        match *self {
            Event::Spawned { task, .. }
            | Event::Named { task, .. }
            | Event::Adopted { task, .. }
            | Event::Polled { task, .. }
            | Event::Finished { task, .. }
            | Event::Switched { task, .. } => task,
        }
    }
}

// Tags: the low three bits the kind, the next two a poll's end.
const SPAWNED: u8 = 0;
const SPAWNED_ORPHAN: u8 = 1;
const NAMED: u8 = 2;
const ADOPTED: u8 = 3;
const POLLED: u8 = 4;
const FINISHED: u8 = 5;
const SWITCHED: u8 = 6;
const KIND: u8 = 0b111;
const RETURNED: u8 = 1 << 3;
const PANICKED: u8 = 2 << 3;

/// Room one record may need: a tag and four numbers of at most 10 bytes.
const RECORD_MAX: usize = 1 + 4 * 10;
/// Bytes a buffer holds before it goes to the run: under glibc's threshold
/// for `mmap`, so that a run's buffers reuse the heap's pages.
pub(crate) const CHUNK_BYTES: usize = 60 * 1024;

/// A full buffer, handed from a thread to its run.
pub(crate) struct Chunk {
    /// The lane of the thread that wrote it (its polls').
    pub(crate) worker: u32,
    bytes: Vec<u8>,
    /// Names, by position (a record holds the position).
    names: Vec<&'static str>,
}

impl Chunk {
    /// Bytes its records take.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// The differences are taken from these; every buffer starts from zero.
#[derive(Default, Clone, Copy)]
struct Previous {
    time: u64,
    task: u64,
    parent: u64,
}

/// A thread's buffer being written.
pub(crate) struct Writer {
    bytes: Vec<u8>,
    names: Vec<&'static str>,
    previous: Previous,
}

impl Writer {
    pub(crate) const fn new() -> Self {
        Writer {
            bytes: Vec::new(),
            names: Vec::new(),
            previous: Previous {
                time: 0,
                task: 0,
                parent: 0,
            },
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether the next record could overflow the buffer: time to hand it on.
    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.bytes.len() + RECORD_MAX > CHUNK_BYTES
    }

    /// The buffer, as a chunk of `worker`'s lane; the writer starts afresh.
    pub(crate) fn take(&mut self, worker: u32) -> Chunk {
        let chunk = Chunk {
            worker,
            bytes: std::mem::replace(&mut self.bytes, Vec::with_capacity(CHUNK_BYTES)),
            names: std::mem::take(&mut self.names),
        };
        self.previous = Previous::default();
        chunk
    }

    /// Starts a record: makes room for the longest one, so that its bytes
    /// are written without a check each.
    #[inline]
    fn begin(&mut self, tag: u8) {
        if self.bytes.capacity() - self.bytes.len() < RECORD_MAX {
            self.make_room();
        }
        self.put(tag);
    }

    /// A fresh buffer gets its whole chunk; one already full (two records
    /// between checks, as a spawn and its name) just room for this record,
    /// so that a chunk stays under the `mmap` threshold.
    #[cold]
    fn make_room(&mut self) {
        let more = if self.bytes.capacity() == 0 {
            CHUNK_BYTES
        } else {
            RECORD_MAX
        };
        self.bytes.reserve_exact(more);
    }

    #[inline]
    fn put(&mut self, byte: u8) {
        let len = self.bytes.len();
        debug_assert!(len < self.bytes.capacity(), "a record outgrew RECORD_MAX");
        // SAFETY: `begin` left room for RECORD_MAX bytes, and no record
        // writes more (`longest_records_fit` checks).
        unsafe {
            self.bytes.as_mut_ptr().add(len).write(byte);
            self.bytes.set_len(len + 1);
        }
    }

    #[inline]
    fn number(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.put(n as u8 | 0x80);
            n >>= 7;
        }
        self.put(n as u8);
    }

    #[inline]
    fn task(&mut self, task: u64) {
        let n = difference(&mut self.previous.task, task);
        self.number(n);
    }

    #[inline]
    fn time(&mut self, at: u64) {
        let n = difference(&mut self.previous.time, at);
        self.number(n);
    }

    fn name(&mut self, name: &'static str) {
        let at = match self.names.last() {
            Some(last) if std::ptr::eq(*last, name) => self.names.len() - 1,
            _ => {
                self.names.push(name);
                self.names.len() - 1
            }
        };
        self.number(at as u64);
    }

    #[inline]
    pub(crate) fn spawned(&mut self, task: u64, parent: Option<u64>, at: u64) {
        match parent {
            Some(parent) => {
                self.begin(SPAWNED);
                self.task(task);
                let n = difference(&mut self.previous.parent, parent);
                self.number(n);
            }
            None => {
                self.begin(SPAWNED_ORPHAN);
                self.task(task);
            }
        }
        self.time(at);
    }

    pub(crate) fn named(&mut self, task: u64, name: &'static str) {
        self.begin(NAMED);
        self.task(task);
        self.name(name);
    }

    pub(crate) fn adopted(&mut self, task: u64, name: &'static str, poll_start: u64) {
        self.begin(ADOPTED);
        self.task(task);
        self.name(name);
        // Not through `time`: the poll's start is older than what follows.
        self.number(poll_start);
    }

    #[inline]
    pub(crate) fn polled(&mut self, task: u64, ended: Option<Ended>, start: u64, end: u64) {
        self.begin(
            POLLED
                | match ended {
                    None => 0,
                    Some(Ended::Returned) => RETURNED,
                    Some(Ended::Panicked) => PANICKED,
                },
        );
        self.task(task);
        self.time(start);
        // A poll's length, never negative on one thread's clock.
        self.number(end.saturating_sub(start));
        self.previous.time = end.max(start);
    }

    pub(crate) fn finished(&mut self, task: u64, at: u64, panicked: bool) {
        self.begin(FINISHED | if panicked { PANICKED } else { RETURNED });
        self.task(task);
        self.time(at);
    }

    pub(crate) fn switched(&mut self, task: u64, at: u64, point: u64) {
        self.begin(SWITCHED);
        self.task(task);
        self.time(at);
        self.number(point);
    }
}

/// `value` as a zigzag-encoded difference from `*previous`, which becomes
/// `value`: small either way round.
#[inline]
fn difference(previous: &mut u64, value: u64) -> u64 {
    let delta = value.wrapping_sub(*previous) as i64;
    *previous = value;
    ((delta << 1) ^ (delta >> 63)) as u64
}

/// The inverse of [`difference`]: `*previous` moved by the encoded `n`.
fn advance(previous: &mut u64, n: u64) -> u64 {
    let delta = ((n >> 1) as i64) ^ -((n & 1) as i64);
    *previous = previous.wrapping_add(delta as u64);
    *previous
}

/// Reads a chunk's records back, in the order they were written.
pub(crate) fn decode(chunk: &Chunk, mut each: impl FnMut(Event)) {
    let mut reader = Reader {
        bytes: &chunk.bytes,
        at: 0,
        previous: Previous::default(),
    };
    while let Some(tag) = reader.byte() {
        let event = match tag & KIND {
            SPAWNED | SPAWNED_ORPHAN => {
                let task = reader.task();
                let parent = (tag & KIND == SPAWNED).then(|| {
                    let n = reader.number();
                    advance(&mut reader.previous.parent, n)
                });
                Event::Spawned {
                    task,
                    parent,
                    at: reader.time(),
                }
            }
            NAMED => Event::Named {
                task: reader.task(),
                name: chunk.names[reader.number() as usize],
            },
            ADOPTED => Event::Adopted {
                task: reader.task(),
                name: chunk.names[reader.number() as usize],
                poll_start: reader.number(),
            },
            POLLED => {
                let task = reader.task();
                let start = reader.time();
                let end = start + reader.number();
                reader.previous.time = end;
                Event::Polled {
                    task,
                    ended: ended_of(tag),
                    start,
                    end,
                }
            }
            FINISHED => Event::Finished {
                task: reader.task(),
                at: reader.time(),
                panicked: ended_of(tag) == Some(Ended::Panicked),
            },
            SWITCHED => Event::Switched {
                task: reader.task(),
                at: reader.time(),
                point: reader.number(),
            },
            other => unreachable!("no record has the tag {other}"),
        };
        each(event);
    }
}

fn ended_of(tag: u8) -> Option<Ended> {
    match tag & !KIND {
        RETURNED => Some(Ended::Returned),
        PANICKED => Some(Ended::Panicked),
        _ => None,
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    previous: Previous,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn number(&mut self) -> u64 {
        let mut n = 0u64;
        let mut shift = 0;
        while let Some(byte) = self.byte() {
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        n
    }

    fn task(&mut self) -> u64 {
        let n = self.number();
        advance(&mut self.previous.task, n)
    }

    fn time(&mut self) -> u64 {
        let n = self.number();
        advance(&mut self.previous.time, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_written() {
        let written = [
            Event::Spawned {
                task: 7,
                parent: Some(3),
                at: u64::MAX - 5,
            },
            Event::Spawned {
                task: 8,
                parent: None,
                at: 12,
            },
            Event::Named {
                task: 8,
                name: "brew",
            },
            Event::Adopted {
                task: 1 << 62,
                name: "steam",
                poll_start: 99,
            },
            Event::Polled {
                task: 8,
                ended: None,
                start: 40,
                end: 40,
            },
            Event::Polled {
                task: 7,
                ended: Some(Ended::Panicked),
                start: 30,
                end: 1 << 40,
            },
            Event::Finished {
                task: 2,
                at: 5,
                panicked: false,
            },
            Event::Switched {
                task: 9,
                at: 6,
                point: 300,
            },
        ];
        let mut writer = Writer::new();
        for event in written {
            match event {
                Event::Spawned { task, parent, at } => writer.spawned(task, parent, at),
                Event::Named { task, name } => writer.named(task, name),
                Event::Adopted {
                    task,
                    name,
                    poll_start,
                } => writer.adopted(task, name, poll_start),
                Event::Polled {
                    task,
                    ended,
                    start,
                    end,
                } => writer.polled(task, ended, start, end),
                Event::Finished { task, at, panicked } => writer.finished(task, at, panicked),
                Event::Switched { task, at, point } => writer.switched(task, at, point),
            }
        }
        let chunk = writer.take(3);
        let mut read = Vec::new();
        decode(&chunk, |event| read.push(event));
        assert_eq!(read, written);
        assert_eq!(chunk.worker, 3);
        assert!(writer.is_empty());
    }

    #[test]
    fn longest_records_fit() {
        // Each number at its longest: a difference of 2^63 is 10 bytes.
        const FAR: u64 = 1 << 63;
        let records: [fn(&mut Writer); 7] = [
            |w| w.spawned(FAR, Some(FAR), FAR),
            |w| w.spawned(FAR, None, FAR),
            |w| w.named(FAR, "name"),
            |w| w.adopted(FAR, "name", u64::MAX),
            |w| w.polled(FAR, Some(Ended::Panicked), FAR, 0),
            |w| w.finished(FAR, FAR, true),
            |w| w.switched(FAR, FAR, u64::MAX),
        ];
        let mut longest = 0;
        for (at, record) in records.iter().enumerate() {
            let mut writer = Writer::new();
            record(&mut writer);
            let len = writer.bytes.len();
            assert!(len <= RECORD_MAX, "record {at} took {len} bytes");
            longest = longest.max(len);
        }
        // A tag and three numbers of 10 bytes: the test reached the limit.
        assert_eq!(longest, 31);
    }

    #[test]
    fn a_poll_of_the_next_task_soon_after_takes_a_few_bytes() {
        let mut writer = Writer::new();
        writer.polled(1000, None, 5_000_000, 5_000_100);
        let first = writer.bytes.len();
        writer.polled(1001, Some(Ended::Returned), 5_000_900, 5_001_000);
        assert_eq!(writer.bytes.len() - first, 5);
    }

    #[test]
    fn tokio_ids_become_their_numbers() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (a, b) =
            runtime.block_on(async { (tokio::spawn(async {}).id(), tokio::spawn(async {}).id()) });
        assert_eq!(tokio_key(a).to_string(), a.to_string());
        assert_eq!(tokio_key(b).to_string(), b.to_string());
        assert_ne!(tokio_key(a), tokio_key(b));
    }
}
