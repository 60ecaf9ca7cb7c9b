//! The storage conformance suite. It runs on SQLite by default and on PostgreSQL when
//! `CASEFILE_TEST_DATABASE_URL` is set; CI runs it both ways.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod auth;
mod cases;
mod connect;
mod contacts;
mod divisions;
mod filters;
mod support;
mod units;
mod users;
mod writes;
mod writes_via_units;
