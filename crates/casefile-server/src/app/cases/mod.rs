//! Case management use cases: caseplans (draft, publish, versions) and cases run by the engine.

pub mod caseplans;
pub mod activity;
pub mod cases;
