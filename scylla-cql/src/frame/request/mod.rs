//! Request messages (client to server). (Filled in by the frame work.)
