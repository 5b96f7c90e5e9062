//! The in-memory data store: schema, partitions, rows, cells and tombstones.
