struct NotCql;

#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Row {
    a: i32,
    b: NotCql,
}

#[derive(scylla_cql::SerializeValue)]
#[scylla(crate = scylla_cql)]
struct Udt {
    a: NotCql,
}

fn main() {}
