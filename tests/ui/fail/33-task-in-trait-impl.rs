// In a trait impl, the twin would be a method the trait does not declare:
// put #[barista::task] on the trait's method with its default body instead,
// or on an inherent method.

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
