// In a trait impl, #[barista::task(twin = false)] instruments the method
// without an uninstrumented twin: a trait impl can hold only the trait's
// methods, and the attribute cannot see which impl it is in.

trait Barista {
    fn brew(&self) -> u32;
    async fn serve(&self) -> u32;
}

struct Ana;

impl Barista for Ana {
    #[barista::task(twin = false)]
    fn brew(&self) -> u32 {
        1
    }

    #[barista::task(twin = false, preempt, name = "serve for Ana")]
    async fn serve(&self) -> u32 {
        let mut served = 0;
        for _ in 0..2 {
            served += self.brew();
        }
        served
    }
}

fn main() {
    assert_eq!(Ana.brew(), 1);
    let _ = Ana.serve();
}
