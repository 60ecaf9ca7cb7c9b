//! Every workitem filter the store can be given — each kind of field × each operator × each
//! kind of value — runs on both backends without a database error (a mistyped filter matches
//! nothing; it answered 500 on PostgreSQL), and the well-typed ones find the same workitems.

use casefile_domain::authz::Divisions;
use casefile_store::{
    FilterOp, FilterValue, Store, WorkitemField, WorkitemFilter, WorkitemQuery, WorkitemSort,
};

use crate::support::{db, event, home, workitem};
use crate::writes_via_units::Writes;

fn fields() -> Vec<WorkitemField> {
    vec![
        WorkitemField::Name,
        WorkitemField::StatusCategory,
        WorkitemField::Priority,
        WorkitemField::DateDue,
        WorkitemField::DateClosed,
        WorkitemField::Stored("description".into()),
        WorkitemField::Stored("duration_seconds".into()),
        WorkitemField::Custom("order_text".into()),
        WorkitemField::Custom("count_integer".into()),
        WorkitemField::Custom("done_boolean".into()),
        WorkitemField::Custom("missing_text".into()),
    ]
}

const OPS: [FilterOp; 10] = [
    FilterOp::Eq,
    FilterOp::Neq,
    FilterOp::Gt,
    FilterOp::Lt,
    FilterOp::Gte,
    FilterOp::Lte,
    FilterOp::In,
    FilterOp::Contains,
    FilterOp::Between,
    FilterOp::BeginsWith,
];

fn values() -> Vec<FilterValue> {
    vec![
        FilterValue::Text("abc".into()),
        FilterValue::Text("7".into()),
        FilterValue::Int(7),
        FilterValue::Number(7.5),
        FilterValue::Bool(true),
    ]
}

fn query(filter: WorkitemFilter) -> WorkitemQuery {
    WorkitemQuery {
        visible: Divisions::All,
        filters: vec![filter],
        sort: WorkitemSort::DateCreated,
        ascending: true,
        after: None,
        limit: 25,
    }
}

#[tokio::test]
async fn every_field_operator_and_value_kind_runs_on_both_backends() {
    let db = db().await;
    let h = home(&db.store).await;
    let mut w = workitem(&h.id, None);
    w.name = "abc 7".into();
    w.priority = 7;
    w.description = Some("7".into());
    w.duration_seconds = Some(7);
    w.custom_fields =
        serde_json::json!({"order_text": "abc", "count_integer": 7, "done_boolean": true})
            .as_object()
            .unwrap()
            .clone();
    db.store
        .insert_workitems(std::slice::from_ref(&w), &[event("workitem", &w.id, 1)])
        .await
        .unwrap();

    let mut ran = 0;
    for field in fields() {
        for op in OPS {
            for value in values() {
                let n = match op {
                    FilterOp::Between => 2,
                    FilterOp::In => 3,
                    _ => 1,
                };
                let q = query(WorkitemFilter {
                    field: field.clone(),
                    op,
                    values: vec![value.clone(); n],
                });
                let found = db.store.query_workitems(&q).await;
                assert!(
                    found.is_ok(),
                    "{field:?} {op:?} {value:?}: {:?}",
                    found.err()
                );
                let counted = db.store.count_workitems(&q).await;
                assert!(
                    counted.is_ok(),
                    "count {field:?} {op:?} {value:?}: {:?}",
                    counted.err()
                );
                ran += 1;
            }
        }
    }
    assert_eq!(ran, 11 * 10 * 5);

    // Well-typed filters match the same on both backends.
    let matches = async |field: WorkitemField, op: FilterOp, values: Vec<FilterValue>| {
        db.store
            .query_workitems(&query(WorkitemFilter { field, op, values }))
            .await
            .unwrap()
            .len()
    };
    assert_eq!(
        matches(
            WorkitemField::Priority,
            FilterOp::Gte,
            vec![FilterValue::Int(7)]
        )
        .await,
        1
    );
    assert_eq!(
        matches(
            WorkitemField::Priority,
            FilterOp::Gt,
            vec![FilterValue::Int(7)]
        )
        .await,
        0
    );
    assert_eq!(
        matches(
            WorkitemField::Name,
            FilterOp::Contains,
            vec![FilterValue::Text("c 7".into())]
        )
        .await,
        1
    );
    assert_eq!(
        matches(
            WorkitemField::Custom("count_integer".into()),
            FilterOp::Between,
            vec![FilterValue::Int(6), FilterValue::Int(8)]
        )
        .await,
        1
    );
    assert_eq!(
        matches(
            WorkitemField::Custom("order_text".into()),
            FilterOp::Eq,
            vec![FilterValue::Text("abc".into())]
        )
        .await,
        1
    );
    assert_eq!(
        matches(
            WorkitemField::Custom("done_boolean".into()),
            FilterOp::Eq,
            vec![FilterValue::Bool(true)]
        )
        .await,
        1
    );
    // A number compared with a text attribute matches nothing rather than failing.
    assert_eq!(
        matches(
            WorkitemField::Custom("order_text".into()),
            FilterOp::Gt,
            vec![FilterValue::Int(1)]
        )
        .await,
        0
    );
    // Digits in a text column compare as text.
    assert_eq!(
        matches(
            WorkitemField::Name,
            FilterOp::BeginsWith,
            vec![FilterValue::Int(7)]
        )
        .await,
        0
    );
    assert_eq!(
        matches(
            WorkitemField::Priority,
            FilterOp::Contains,
            vec![FilterValue::Int(7)]
        )
        .await,
        1
    );
}
