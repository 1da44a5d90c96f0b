//! Integration tests of the synthetic LA: determinism, sizes, calibration, the validity of
//! everything generated, the files (schemas, encodings) and a full round trip through them.

mod calibration;
mod common;
mod determinism;
mod files;
mod reader;
mod round_trip;
mod validity;
