// `preempt` inserts a yield in every loop that can `.await`: for, while,
// while let, loop, nested loops, loops in async blocks. Loops in closures
// and nested fns are left alone, and must still compile.

#[barista::task(preempt, twin)]
async fn brew(cups: u32) -> u32 {
    let mut total = 0;
    for cup in 0..cups {
        let mut steps = 3;
        while steps > 0 {
            steps -= 1;
            total += cup;
        }
    }
    let mut queue = vec![1, 2, 3];
    while let Some(order) = queue.pop() {
        if order > 1 {
            loop {
                break;
            }
        }
    }
    let inner = async move {
        let mut n = 0;
        loop {
            n += 1;
            if n == 3 {
                break n;
            }
        }
    };
    total += inner.await;
    // A closure cannot `.await`: its loop gets no yield.
    let count = |n: u32| {
        let mut c = 0;
        for _ in 0..n {
            c += 1;
        }
        c
    };
    fn helper() -> u32 {
        let mut i = 0;
        while i < 2 {
            i += 1;
        }
        i
    }
    total + count(2) + helper()
}

fn main() {
    let _ = brew(2);
    let _ = brew_plain(2);
}
