//! Case management: caseplans (versioned templates of up to three stages) and the cases
//! that run through them, one workitem per stage.

pub mod activity;
pub mod caseplan;
pub mod engine;
pub mod reference;

pub use engine::Status;
