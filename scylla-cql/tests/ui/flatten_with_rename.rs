#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Inner {
    a: i32,
}

#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Outer {
    #[scylla(flatten, rename = "x")]
    inner: Inner,
}

fn main() {}
