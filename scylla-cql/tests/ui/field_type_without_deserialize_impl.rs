struct NotCql;

#[derive(scylla_cql::DeserializeValue)]
#[scylla(crate = scylla_cql)]
struct Udt<'a> {
    a: NotCql,
    b: &'a str,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct Row {
    #[scylla(skip)]
    s: NotCql,
}

fn main() {}
