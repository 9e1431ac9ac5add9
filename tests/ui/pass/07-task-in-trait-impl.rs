// In a trait impl, #[barista::task] instruments the method as it does
// anywhere: no twin is generated unless asked for, so the impl holds only
// the trait's methods.

trait Barista {
    fn brew(&self) -> u32;
    async fn serve(&self) -> u32;
}

struct Ana;

impl Barista for Ana {
    #[barista::task]
    fn brew(&self) -> u32 {
        1
    }

    #[barista::task(preempt, name = "serve for Ana")]
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
