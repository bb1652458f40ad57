// The generated code names only `::prisma_migrations::__private` and `::core`: shadowing the prelude and the
// primitive types it might have used does not break it (as serde's test_gen.rs checks for serde_derive).
#![allow(dead_code, non_camel_case_types, unused_macros)]

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct String;
struct Vec;
struct Box;
struct str;
struct u8;
struct usize;
struct bool;
struct Migration;
struct Migrations;
struct MigrationId;
struct MigrationSource;
mod std {}
mod prisma_migrations {}
macro_rules! include_str {
    ($($t:tt)*) => {
        compile_error!("the local include_str! was used")
    };
}
macro_rules! include_bytes {
    ($($t:tt)*) => {
        compile_error!("the local include_bytes! was used")
    };
}
macro_rules! unreachable {
    ($($t:tt)*) => {
        compile_error!("the local unreachable! was used")
    };
}

static LOCKED: ::prisma_migrations::Migrations = ::prisma_migrations::migrations!("fixtures/valid-locked");

#[derive(::prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic")]
pub struct Db;

#[::prisma_migrations::test(migrations = Db, at = Db::ADD_2FA)]
async fn a_test(_db: ::prisma_migrations::Database) {}

fn main() {
    let _: fn() = a_test;
    ::core::assert_eq!(LOCKED.len(), 3);
    ::core::assert_eq!(Db::ALL.len(), 3);
    ::core::assert_eq!(Db::ADD_2FA.index(), 1);
}
