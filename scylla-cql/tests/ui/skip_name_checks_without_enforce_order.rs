#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, skip_name_checks)]
struct ByDefaultFlavor {
    a: i32,
}

#[derive(scylla_cql::DeserializeValue)]
#[scylla(crate = scylla_cql, flavor = "match_by_name", skip_name_checks)]
struct ExplicitMatchByName {
    a: i32,
}

fn main() {}
