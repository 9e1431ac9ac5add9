trait Barista {
    #[barista::task]
    fn brew(&self);
}

fn main() {}
