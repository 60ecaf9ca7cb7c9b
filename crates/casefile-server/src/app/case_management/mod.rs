//! Case management use cases: caseplans (draft, publish, versions) and cases run by the engine.

pub mod activity;
pub mod caseplans;
pub mod cases;
