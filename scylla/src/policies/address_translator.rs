//! address_translator (being built).
