//! (written with its implementation)
