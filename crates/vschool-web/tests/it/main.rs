//! Integration tests: the whole router, in process, on a fresh temporary SQLite database
//! seeded with the small LA of `tests/common/seed.rs`.

#[path = "../common/seed.rs"]
mod seed;

mod admin;
mod api;
mod children;
mod data;
mod helpers;
mod overview;
mod packs;
mod pages;
mod portal;
mod schools;
mod sign_in;
