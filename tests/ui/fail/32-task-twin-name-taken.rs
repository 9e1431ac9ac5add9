// With `twin`, the twin of `brew` is `brew_plain`: that name must be free.

#[barista::task(twin)]
fn brew() {}

fn brew_plain() {}

fn main() {
    brew();
    brew_plain();
}
