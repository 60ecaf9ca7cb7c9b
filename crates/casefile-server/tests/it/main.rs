//! The server's integration tests: the router in-process with a manual clock, on SQLite by
//! default and on PostgreSQL when `CASEFILE_TEST_DATABASE_URL` is set; a few tests run the
//! real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod auth;
mod binary;
mod case_consistency;
mod cases;
mod contacts;
mod crash;
mod demo;
mod divisions;
mod errors;
mod harness;
mod headers;
mod intents;
mod nul_input;
mod openapi;
mod outage;
mod routes;
mod schemas;
mod shutdown;
mod slow_clients;
mod task_fixtures;
mod tidy;
mod two_nodes;
mod users;
mod workbins_worktypes;
mod workitem_jobs;
mod workitem_queries;
mod workitem_statuses;
mod workitems;
