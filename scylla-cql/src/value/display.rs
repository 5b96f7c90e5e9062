//! `Display` for [`CqlValue`](super::CqlValue) in CQL literal form. (Filled in by the
//! serialization work.)
