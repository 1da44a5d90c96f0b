//! Integration tests: the whole router, in process, on a fresh temporary SQLite database
//! seeded with the small LA of `tests/common/seed.rs`.

#[path = "../common/seed.rs"]
mod seed;

mod admin;
mod api;
mod children;
mod data;
mod helpers;
mod oidc;
mod overview;
mod packs;
mod packs_end_to_end;
mod pages;
mod portal;
mod proxy;
mod reset;
mod schools;
mod secrets;
mod sessions;
mod sign_in;
