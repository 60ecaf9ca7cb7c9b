//! The Genesys paged listing envelope (`entities`, `pageSize`, `pageNumber`, `total`, URIs).

use crate::app::query::Page;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::QueryParams;
use crate::error::ApiResult;

pub const PAGE_SIZE_MAX: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntityListing<T> {
    pub entities: Vec<T>,
    pub page_size: i64,
    pub page_number: i64,
    pub total: i64,
    pub page_count: i64,
    pub first_uri: String,
    pub self_uri: String,
    pub last_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_uri: Option<String>,
}

pub fn page(query: &QueryParams, default_size: i64) -> ApiResult<Page> {
    Ok(Page {
        size: query.int("pageSize", 1, PAGE_SIZE_MAX, default_size)?,
        number: query.int("pageNumber", 1, 1_000_000, 1)?,
    })
}

impl<T> EntityListing<T> {
    pub fn new(entities: Vec<T>, total: i64, page: Page, base: &str) -> Self {
        let page_count = if total == 0 {
            0
        } else {
            (total + page.size - 1) / page.size
        };
        let uri = |n: i64| format!("{base}?pageSize={}&pageNumber={n}", page.size);
        Self {
            entities,
            page_size: page.size,
            page_number: page.number,
            total,
            page_count,
            first_uri: uri(1),
            self_uri: uri(page.number),
            last_uri: uri(page_count.max(1)),
            next_uri: (page.number < page_count).then(|| uri(page.number + 1)),
            previous_uri: (page.number > 1).then(|| uri(page.number - 1)),
        }
    }
}
