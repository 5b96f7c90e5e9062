//! Response messages (server to client).

pub mod column_type;
pub mod result;
