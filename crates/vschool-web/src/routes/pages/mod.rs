//! Pages anyone may read, signed in or not: the accessibility statement and the privacy
//! notice (both linked from every page's footer).

pub mod get;
