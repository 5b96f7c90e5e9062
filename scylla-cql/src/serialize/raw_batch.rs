//! Batch values already matched with their statements. (Filled in by the
//! serialization work.)
