//! The basic example. The driver core is not built yet, so this only says so.

fn main() {
    println!(
        "The scylla driver core is not implemented yet; `make run` will run this example against an in-process scylla-sim once it is."
    );
}
