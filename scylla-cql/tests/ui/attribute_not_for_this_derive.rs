// `allow_missing` is for UDT fields only.
#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct SerRow {
    #[scylla(allow_missing)]
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct DeserRow {
    #[scylla(allow_missing)]
    a: i32,
}

// `forbid_excess_udt_fields` is for UDTs only.
#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, forbid_excess_udt_fields)]
struct SerRowExcess {
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql, forbid_excess_udt_fields)]
struct DeserRowExcess {
    a: i32,
}

// `flatten` is for SerializeRow only.
#[derive(scylla_cql::SerializeValue)]
#[scylla(crate = scylla_cql)]
struct SerValueFlatten {
    #[scylla(flatten)]
    a: i32,
}

#[derive(scylla_cql::DeserializeValue)]
#[scylla(crate = scylla_cql)]
struct DeserValueFlatten {
    #[scylla(flatten)]
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct DeserRowFlatten {
    #[scylla(flatten)]
    a: i32,
}

fn main() {}
