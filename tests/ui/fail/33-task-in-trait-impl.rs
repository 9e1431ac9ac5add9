// In a trait impl, the twin would be a method the trait does not declare:
// write #[barista::task(twin = false)] there (tests/ui/pass/07), or put
// #[barista::task] on the trait's method with its default body.

trait Barista {
    fn brew(&self);
}

struct Ana;

impl Barista for Ana {
    #[barista::task]
    fn brew(&self) {}
}

fn main() {
    Ana.brew();
}
