//! Demo task management data for the two seed scenarios (refund management; customer care
//! escalation): schemas, workbins, worktypes with statuses, and a few hundred workitems in
//! varied states. Skipped when the demo worktypes already exist.

use casefile_domain::authz::Divisions;
use casefile_domain::authz::Principal;
use casefile_domain::task::status::{Category, Status};
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_domain::task::worktype::Worktype;
use casefile_store::DocumentFilter;
use serde_json::{Value, json};

use super::App;
use super::task::{documents, schemas, workbins, workitems, worktypes};

pub const WORKITEMS_PER_TYPE: usize = 150;
const BATCH: usize = 100;

fn refund_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order", "maxLength": 30},
            "amount_number": {"allOf": [{"$ref": "#/definitions/number"}], "title": "Amount", "minimum": 0, "maximum": 100000},
            "reason_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Reason", "enum": ["damaged", "late", "wrong_item", "other"],
                "_enumProperties": {"damaged": {"title": "Damaged", "_disabled": false}, "late": {"title": "Late", "_disabled": false},
                    "wrong_item": {"title": "Wrong item", "_disabled": false}, "other": {"title": "Other", "_disabled": false}}},
            "decision_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Decision", "enum": ["approved", "rejected"],
                "_enumProperties": {"approved": {"title": "Approved", "_disabled": false}, "rejected": {"title": "Rejected", "_disabled": false}}},
            "customer_email_text": {"allOf": [{"$ref": "#/definitions/text"}], "title": "Customer email", "maxLength": 100}
        },
        "required": ["order_id_identifier"]
    })
}

fn escalation_schema() -> Value {
    let e = |values: &[&str]| {
        let props: serde_json::Map<String, Value> = values
            .iter()
            .map(|v| {
                (
                    (*v).to_owned(),
                    json!({"title": v.replace('_', " "), "_disabled": false}),
                )
            })
            .collect();
        (json!(values), Value::Object(props))
    };
    let (channels, channel_props) = e(&["phone", "email", "chat", "social"]);
    let (issues, issue_props) = e(&["billing", "service", "product", "complaint"]);
    json!({
        "type": "object",
        "properties": {
            "customer_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Customer id", "maxLength": 40},
            "channel_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Channel", "enum": channels, "_enumProperties": channel_props},
            "issue_type_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Issue type", "enum": issues, "_enumProperties": issue_props},
            "reason_for_escalation_longtext": {"allOf": [{"$ref": "#/definitions/longtext"}], "title": "Reason for escalation", "maxLength": 1000},
            "date_raised_date": {"allOf": [{"$ref": "#/definitions/date"}], "title": "Date raised"},
            "proposed_resolution_longtext": {"allOf": [{"$ref": "#/definitions/longtext"}], "title": "Proposed resolution", "maxLength": 1000},
            "escalation_valid_checkbox": {"allOf": [{"$ref": "#/definitions/checkbox"}], "title": "Escalation valid"},
            "external_review_approval_checkbox": {"allOf": [{"$ref": "#/definitions/checkbox"}], "title": "External review approval"},
            "agent_approval_checkbox": {"allOf": [{"$ref": "#/definitions/checkbox"}], "title": "Agent approval"},
            "reason_for_invalidity_text": {"allOf": [{"$ref": "#/definitions/text"}], "title": "Reason for invalidity", "maxLength": 100},
            "agent_notes_longtext": {"allOf": [{"$ref": "#/definitions/longtext"}], "title": "Agent notes", "maxLength": 1000}
        },
        "required": ["customer_id_identifier", "channel_enum"]
    })
}

struct Scenario {
    schema_name: &'static str,
    schema: fn() -> Value,
    workbin: &'static str,
    worktype: &'static str,
    back_office: bool,
    fields: fn(usize) -> Value,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario {
        schema_name: "Refund",
        schema: refund_schema,
        workbin: "Refunds",
        worktype: "Refund request",
        back_office: false,
        fields: |i| {
            let reasons = ["damaged", "late", "wrong_item", "other"];
            json!({"order_id_identifier": format!("ORD-{:05}", 10_000 + i), "amount_number": (i % 40) as f64 * 12.5 + 5.0,
                   "reason_enum": reasons[i % 4], "customer_email_text": format!("customer{i}@example.com")})
        },
    },
    Scenario {
        schema_name: "Customer care escalation",
        schema: escalation_schema,
        workbin: "Escalations",
        worktype: "Customer care escalation",
        back_office: true,
        fields: |i| {
            let channels = ["phone", "email", "chat", "social"];
            let issues = ["billing", "service", "product", "complaint"];
            json!({"customer_id_identifier": format!("CUST-{:05}", i), "channel_enum": channels[i % 4], "issue_type_enum": issues[(i / 4) % 4],
                   "reason_for_escalation_longtext": "Customer is unhappy with the first answer", "date_raised_date": format!("2026-11-{:02}", 1 + i % 24)})
        },
    },
];

pub async fn load(
    app: &App,
    caller: &Principal,
    home_id: &str,
    back_office_id: &str,
) -> anyhow::Result<usize> {
    let existing = DocumentFilter {
        visible: Divisions::All,
        parent_id: None,
        name: Some(SCENARIOS[0].worktype.to_owned()),
    };
    if !app
        .store
        .list_documents("worktype", &existing)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let e = anyhow::Error::new;
    let mut created = 0;
    for scenario in &SCENARIOS {
        let division = if scenario.back_office {
            back_office_id
        } else {
            home_id
        };
        let schema = schemas::create(app, caller, scenario.schema_name, (scenario.schema)(), true)
            .await
            .map_err(e)?;
        let workbin = workbins::create(
            app,
            caller,
            scenario.workbin.to_owned(),
            Some(format!("{} team inbox", scenario.workbin)),
            Some(division.to_owned()),
        )
        .await
        .map_err(e)?;
        let input = worktypes::Input {
            name: Some(scenario.worktype.to_owned()),
            default_workbin_id: Some(workbin.id.clone()),
            schema_id: Some(Some(schema.id.clone())),
            default_due_duration_seconds: Some(Some(3 * 86_400)),
            default_expiration_seconds: Some(Some(30 * 86_400)),
            default_priority: Some(5),
            ..worktypes::Input::default()
        };
        let (worktype, statuses) = worktypes::create(app, caller, input).await.map_err(e)?;
        let waiting = status_of(&statuses, Category::Waiting)?;
        let open = status_of(&statuses, Category::Open)?;
        // Waiting on the customer moves back to Open after two days without an answer.
        worktypes::update_status(
            app,
            caller,
            &worktype.id,
            &waiting.id,
            worktypes::StatusInput {
                default_destination_status_id: Some(Some(open.id.clone())),
                status_transition_delay_seconds: Some(Some(2 * 86_400)),
                ..worktypes::StatusInput::default()
            },
        )
        .await
        .map_err(e)?;
        let statuses: Vec<Status> = documents::list(app, caller, Some(&worktype.id))
            .await
            .map_err(e)?;
        created += seed_workitems(app, caller, &worktype, &statuses, scenario).await?;
    }
    Ok(created)
}

fn status_of(statuses: &[Status], category: Category) -> anyhow::Result<Status> {
    statuses
        .iter()
        .find(|s| s.category == category)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no {} status", category.as_str()))
}

async fn seed_workitems(
    app: &App,
    caller: &Principal,
    worktype: &Worktype,
    statuses: &[Status],
    scenario: &Scenario,
) -> anyhow::Result<usize> {
    let categories = [
        Category::Open,
        Category::Open,
        Category::InProgress,
        Category::Waiting,
        Category::Closed,
    ];
    let now = app.clock.now();
    let mut batch: Vec<Workitem> = Vec::with_capacity(BATCH);
    let mut changes = Vec::with_capacity(BATCH);
    for i in 0..WORKITEMS_PER_TYPE {
        let fields = (scenario.fields)(i)
            .as_object()
            .cloned()
            .unwrap_or_default();
        let draft = Draft {
            name: format!("{} {:03}", scenario.worktype, i + 1),
            priority: Some((i % 7) as i64),
            custom_fields: fields,
            ..Draft::default()
        };
        let mut w = workitems::prepare(app, caller, &worktype.id, draft)
            .await
            .map_err(anyhow::Error::new)?;
        let open = status_of(statuses, Category::Open)?;
        let target = status_of(statuses, categories[i % categories.len()])?;
        w.change_status(
            &open,
            &target,
            now - chrono::Duration::hours((i % 48) as i64),
        )
        .map_err(anyhow::Error::new)?;
        changes.push(workitems::created_change(&w, caller).map_err(anyhow::Error::new)?);
        batch.push(w);
        if batch.len() == BATCH {
            insert(app, &mut batch, &mut changes).await?;
        }
    }
    if !batch.is_empty() {
        insert(app, &mut batch, &mut changes).await?;
    }
    Ok(WORKITEMS_PER_TYPE)
}

/// Commits a batch of new workitems and their events as one unit.
async fn insert(
    app: &App,
    batch: &mut Vec<Workitem>,
    changes: &mut Vec<casefile_store::Change>,
) -> anyhow::Result<()> {
    let unit = casefile_store::UnitOfWork {
        workitem_inserts: std::mem::take(batch),
        changes: std::mem::take(changes),
        ..casefile_store::UnitOfWork::default()
    };
    app.commit(&unit).await?;
    Ok(())
}
