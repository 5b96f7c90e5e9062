#[derive(scylla_cql::DeserializeValue)]
#[scylla(crate = scylla_cql)]
struct S {
    #[scylla(renamed = "b")]
    a: i32,
}

fn main() {}
