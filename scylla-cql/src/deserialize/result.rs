//! Iterators over the rows of a result set. (Filled in by the deserialization work.)
