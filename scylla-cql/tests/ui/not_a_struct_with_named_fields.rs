#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Tuple(i32, String);

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct Unit;

#[derive(scylla_cql::SerializeValue)]
#[scylla(crate = scylla_cql)]
enum Enum {
    A,
    B,
}

#[derive(scylla_cql::DeserializeValue)]
#[scylla(crate = scylla_cql)]
union Union {
    a: i32,
    b: u32,
}

fn main() {}
