//! The examples package's library holds no code: it compiles the README's Rust blocks as doctests
//! (`cargo test -p prisma-migrations-examples --doc`), against this package's `prisma/migrations`, so the
//! snippets a new user copies keep building.

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
