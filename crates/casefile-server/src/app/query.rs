//! The query, filter, sort and paging vocabulary that use cases take and return — what the
//! API and the web pages build their requests from, so neither needs the store.

pub use casefile_store::{
    CaseColumn, CaseFilter, CaseQuery, CaseSort, ContactSort, Division, FilterOp, FilterValue,
    Health, Listing, Page, WorkitemField, WorkitemFilter, WorkitemQuery, WorkitemSort,
};
