//! Integration tests: the whole router, in process, on a fresh temporary SQLite database
//! seeded with the small LA of `tests/common/seed.rs`.

#[path = "../common/seed.rs"]
mod seed;

mod admin;
mod api;
mod children;
mod helpers;
mod pages;
mod schools;
mod sign_in;
