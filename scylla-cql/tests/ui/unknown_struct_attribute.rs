#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, rename_all = "camelCase")]
struct S {
    a: i32,
}

fn main() {}
