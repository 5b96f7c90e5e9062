//! The [`BatchValues`] trait: the values of every statement of a batch. (Filled in by
//! the serialization work.)
