// Every mistake in the attribute is reported in one build, not one per build.

#[barista::main(workers = 0, timeline = yes, colour)]
async fn main() {}
