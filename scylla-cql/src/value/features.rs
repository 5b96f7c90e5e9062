//! Conversions between the value types and chrono, time, num-bigint and bigdecimal,
//! each behind its feature. (Filled in by the serialization work.)
