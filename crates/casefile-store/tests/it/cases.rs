//! Cases: numbered from their caseplan's counter inside their unit.

use casefile_domain::case::caseplan;
use casefile_store::{NewEvent, Store};

use crate::support::{db, t0};

fn one_stage_plan(prefix: &str) -> casefile_domain::case::caseplan::Version {
    use casefile_domain::case::caseplan::{ActivityType, Stageplan, Stepplan, VersionState};
    caseplan::Version {
        caseplan_id: "plan-1".into(),
        version: 1,
        state: VersionState::Published,
        name: "Refund management".into(),
        description: None,
        division_id: None,
        reference_prefix: prefix.into(),
        default_due_duration_seconds: Some(86_400),
        default_ttl_seconds: None,
        default_owner_id: None,
        customer_intent_id: None,
        data_schema_id: Some("schema-1".into()),
        intake_settings: vec![],
        stageplans: vec![Stageplan {
            id: "stageplan-1".into(),
            name: "Capture".into(),
            description: None,
            stepplan: Stepplan {
                id: "stepplan-1".into(),
                name: "Capture".into(),
                description: None,
                activity_type: ActivityType::Workitem,
                worktype_id: Some("worktype-1".into()),
                date_created: t0(),
                date_modified: t0(),
            },
            date_created: t0(),
            date_modified: t0(),
        }],
        date_created: t0(),
        date_modified: t0(),
        date_published: Some(t0()),
        modified_by: None,
    }
}

#[tokio::test]
async fn new_cases_are_numbered_in_their_unit_and_keep_the_reference_in_their_json() {
    use casefile_domain::case::engine::{Case, NewCase, Priority};
    let db = db().await;
    // A prefix as a caller might pass it: the reference uses it trimmed and upper-cased.
    let plan = one_stage_plan(" ref ");
    for n in 1..=3 {
        let new = NewCase {
            id: format!("case-{n}"),
            reference: String::new(),
            summary: format!("Refund {n} \"reference\":\"\" in the text"),
            description: None,
            external_id: None,
            owner_id: None,
            priority: Priority::Medium,
            date_due: None,
            external_contact_id: None,
            ttl_seconds: None,
            data: serde_json::json!({"reference": "", "note": "\"reference\":\"\""})
                .as_object()
                .cloned()
                .unwrap(),
            stage_ids: vec![(format!("stage-{n}"), format!("step-{n}"))],
        };
        let (case, _effects) = Case::start(&plan, new, None, t0()).unwrap();
        let unit = casefile_store::UnitOfWork {
            case_insert: Some(casefile_store::CaseInsert {
                case: case.clone(),
                prefix: plan.reference_prefix.clone(),
                event: NewEvent {
                    entity_type: "case",
                    entity_id: case.id.clone(),
                    version: 1,
                    kind: "case.created",
                    actor_id: None,
                    at: t0(),
                    before: None,
                    after: None,
                },
            }),
            ..Default::default()
        };
        let expected = format!("REF-{n:06}");
        let answered = db.store.commit_unit(&unit).await.unwrap();
        assert_eq!(answered.as_deref(), Some(expected.as_str()));
        let stored = db.store.get_case(&case.id).await.unwrap();
        assert_eq!(stored.reference, expected);
        assert_eq!(
            stored.summary, case.summary,
            "only the case's own reference is filled in"
        );
        assert_eq!(stored.data, case.data);
        let found = db
            .store
            .get_case_by_reference(&expected.to_lowercase())
            .await
            .unwrap();
        assert_eq!(found.id, case.id);
        let events = db.store.events("case", &case.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].after.as_ref().unwrap()["reference"], expected);
    }
}
