#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
struct SameName {
    a: i32,
    #[scylla(rename = "a")]
    b: i32,
}

// Allowed: positional matching does not need distinct names.
#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct SameNameInOrder {
    a: i32,
    #[scylla(rename = "a")]
    b: i32,
}

fn main() {}
