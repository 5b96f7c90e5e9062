#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "by_position")]
struct UnknownFlavor {
    a: i32,
}

#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, flavor = enforce_order)]
struct FlavorNotAString {
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct RenameNotAString {
    #[scylla(rename = b)]
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = "not a path")]
struct CrateNotAPath {
    a: i32,
}

fn main() {}
