#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct Inner {
    a: i32,
}

#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Outer {
    #[scylla(flatten)]
    inner: Inner,
}


#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql)]
struct ByNameInner {
    b: i32,
}

#[derive(scylla_cql::SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct InOrderOuter {
    #[scylla(flatten)]
    inner: ByNameInner,
}

fn main() {}
