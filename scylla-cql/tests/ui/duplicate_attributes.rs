#[derive(scylla_cql::SerializeValue)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
#[scylla(flavor = "match_by_name")]
struct DuplicateFlavor {
    a: i32,
}

#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct DuplicateRename {
    #[scylla(rename = "x", rename = "y")]
    a: i32,
}

fn main() {}
