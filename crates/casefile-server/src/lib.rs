//! The casefile server: configuration, the HTTP API, use cases and background workers.
//!
//! Architecture invariant: this is the only crate that knows HTTP, configuration and tasks;
//! domain rules live in `casefile-domain`, SQL in `casefile-store`.

pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod connections;
pub mod error;
pub mod server;
pub mod telemetry;
pub mod workers;
