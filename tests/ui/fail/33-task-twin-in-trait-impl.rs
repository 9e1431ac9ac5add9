// `twin` in a trait impl: the twin would be a method the trait does not
// declare. Leave `twin` out there (tests/ui/pass/07), or put
// #[barista::task(twin)] on the trait's method with its default body.

trait Barista {
    fn brew(&self);
}

struct Ana;

impl Barista for Ana {
    #[barista::task(twin)]
    fn brew(&self) {}
}

fn main() {
    Ana.brew();
}
