//! Demo case management data: the two seed caseplans, published (Refund management: capture
//! details → approve → notify customer; Customer care escalation: escalation review → approve
//! remediation → outbound notification), and cases in every stage and status.
//! Builds on [`super::demo_tasks`] (schemas and workbins); skipped when the caseplans exist.

use casefile_domain::authz::{Divisions, Principal};
use casefile_domain::case::caseplan::{ActivityType, IntakeSetting};
use casefile_domain::task::status::Status;
use casefile_store::DocumentFilter;
use serde_json::{Map, Value, json};

use super::App;
use super::case_management::{caseplans, cases};
use super::task::{documents, workitems, worktypes};
use casefile_domain::schema;

pub const CASES_PER_PLAN: usize = 100;

struct Plan {
    name: &'static str,
    prefix: &'static str,
    schema: &'static str,
    workbin: &'static str,
    stages: [&'static str; 3],
    intent: &'static str,
    customer_names: &'static [(&'static str, &'static str)],
    intake: &'static [(&'static str, bool)],
    back_office: bool,
    intake_data: fn(usize) -> Value,
    /// What each stage's workitem records before it closes.
    captured: fn(usize, usize) -> Value,
}

const PLANS: [Plan; 2] = [
    Plan {
        name: "Refund management",
        prefix: "REF",
        schema: "Refund",
        workbin: "Refunds",
        stages: ["Capture details", "Approve refund", "Notify customer"],
        intent: "Refund request",
        customer_names: &[
            ("Amara", "Okafor"),
            ("Bjorn", "Lindqvist"),
            ("Chen", "Wei"),
            ("Dolores", "Ruiz"),
            ("Emeka", "Eze"),
            ("Fatima", "Zahra"),
            ("Giulia", "Rossi"),
            ("Hiroshi", "Tanaka"),
            ("Ines", "Moreau"),
            ("Jonas", "Berg"),
        ],
        intake: &[
            ("order_id_identifier", true),
            ("amount_number", false),
            ("reason_enum", false),
            ("customer_email_text", false),
        ],
        back_office: false,
        intake_data: |i| {
            json!({"order_id_identifier": format!("ORD-{:05}", 20_000 + i), "amount_number": (i % 30) as f64 * 10.0 + 9.99,
            "reason_enum": (["damaged", "late", "wrong_item", "other"][i % 4]), "customer_email_text": format!("buyer{i}@example.com")})
        },
        captured: |i, stage| match stage {
            1 => json!({"decision_enum": if i % 5 == 0 { "rejected" } else { "approved" }}),
            _ => json!({}),
        },
    },
    Plan {
        name: "Customer care escalation",
        prefix: "ESC",
        schema: "Customer care escalation",
        workbin: "Escalations",
        stages: [
            "Escalation review",
            "Approve remediation",
            "Outbound notification",
        ],
        intent: "Complaint escalation",
        customer_names: &[
            ("Kwame", "Mensah"),
            ("Lena", "Schmidt"),
            ("Mateo", "Silva"),
            ("Nadia", "Haddad"),
            ("Oskar", "Nowak"),
            ("Priya", "Sharma"),
            ("Quentin", "Dubois"),
            ("Rosa", "Costa"),
            ("Sven", "Olsen"),
            ("Tamar", "Cohen"),
        ],
        intake: &[
            ("customer_id_identifier", true),
            ("channel_enum", true),
            ("issue_type_enum", false),
            ("reason_for_escalation_longtext", false),
            ("date_raised_date", false),
        ],
        back_office: true,
        intake_data: |i| {
            json!({"customer_id_identifier": format!("CUST-{:05}", 500 + i), "channel_enum": (["phone", "email", "chat", "social"][i % 4]),
            "issue_type_enum": (["billing", "service", "product", "complaint"][(i / 4) % 4]),
            "reason_for_escalation_longtext": "The first answer did not solve the problem", "date_raised_date": format!("2026-11-{:02}", 1 + i % 24)})
        },
        captured: |i, stage| match stage {
            0 => {
                json!({"escalation_valid_checkbox": i % 6 != 0, "proposed_resolution_longtext": "Refund the last invoice and apologise",
                        "agent_notes_longtext": "Reviewed the call recording"})
            }
            1 => {
                json!({"external_review_approval_checkbox": true, "agent_approval_checkbox": i % 7 != 0})
            }
            _ => json!({}),
        },
    },
];

async fn find<T: documents::Stored>(app: &App, name: &str) -> anyhow::Result<T> {
    let filter = DocumentFilter {
        visible: Divisions::All,
        parent_id: None,
        name: Some(name.to_owned()),
    };
    let doc = app
        .store
        .list_documents(T::KIND, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("demo {} {name:?} missing", T::KIND))?;
    documents::from_value(doc.data).map_err(anyhow::Error::new)
}

pub async fn load(app: &App, caller: &Principal, back_office_id: &str) -> anyhow::Result<usize> {
    let existing = DocumentFilter {
        visible: Divisions::All,
        parent_id: None,
        name: Some(PLANS[0].name.to_owned()),
    };
    if !app
        .store
        .list_documents("caseplan", &existing)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let e = anyhow::Error::new;
    let mut created = 0;
    for plan in &PLANS {
        let schema: schema::Version = find(app, plan.schema).await?;
        let workbin: casefile_domain::task::workbin::Workbin = find(app, plan.workbin).await?;
        let mut stage_types = Vec::new();
        for stage in plan.stages {
            let input = worktypes::Input {
                name: Some(format!("{} — {}", plan.name, stage)),
                default_workbin_id: Some(workbin.id.clone()),
                schema_id: Some(Some(schema.id.clone())),
                default_due_duration_seconds: Some(Some(86_400)),
                ..worktypes::Input::default()
            };
            let (wt, statuses) = worktypes::create(app, caller, input).await.map_err(e)?;
            stage_types.push((wt, statuses));
        }
        let division = if plan.back_office {
            Some(back_office_id.to_owned())
        } else {
            None
        };
        let intent = super::intents::create_intent(
            app,
            caller,
            super::intents::Fields {
                name: plan.intent.to_owned(),
                description: Some(format!("Customers asking about: {}", plan.name)),
                ..Default::default()
            },
        )
        .await
        .map_err(e)?;
        let customers = seed_customers(
            app,
            caller,
            plan,
            division
                .clone()
                .unwrap_or_else(|| workbin.division_id.clone()),
        )
        .await?;
        let input = caseplans::Input {
            name: Some(plan.name.to_owned()),
            reference_prefix: Some(plan.prefix.to_owned()),
            division_id: division.or(Some(workbin.division_id.clone())),
            default_due_duration_seconds: Some(Some(5 * 86_400)),
            data_schema_id: Some(Some(schema.id.clone())),
            customer_intent_id: Some(Some(intent.id.clone())),
            intake_settings: Some(
                plan.intake
                    .iter()
                    .enumerate()
                    .map(|(i, (p, r))| IntakeSetting {
                        property: (*p).to_owned(),
                        required: *r,
                        display_order: i as i64,
                    })
                    .collect(),
            ),
            ..caseplans::Input::default()
        };
        let (header, _) = caseplans::create(app, caller, input).await.map_err(e)?;
        let now = app.clock.now();
        let mut after: Option<String> = None;
        for (i, stage) in plan.stages.iter().enumerate() {
            let mut sp = caseplans::new_stageplan(stage, None, now).map_err(e)?;
            sp.stepplan.activity_type = ActivityType::Workitem;
            sp.stepplan.worktype_id = Some(stage_types[i].0.id.clone());
            let id = sp.id.clone();
            let at = after.clone();
            caseplans::edit_draft(app, caller, &header.id, |p| {
                Ok(p.add_stageplan(sp, at.as_deref())?)
            })
            .await
            .map_err(e)?;
            after = Some(id);
        }
        caseplans::publish(app, caller, &header.id)
            .await
            .map_err(e)?;
        created += seed_cases(app, caller, plan, &header.id, &stage_types, &customers).await?;
    }
    Ok(created)
}

async fn seed_customers(
    app: &App,
    caller: &Principal,
    plan: &Plan,
    division_id: String,
) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(plan.customer_names.len());
    for (i, (first, last)) in plan.customer_names.iter().enumerate() {
        let input = casefile_domain::contact::DetailsInput {
            first_name: Some((*first).to_owned()),
            last_name: Some((*last).to_owned()),
            personal_email: Some(format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            )),
            cell_phone: Some(casefile_domain::contact::PhoneInput {
                display: Some(format!(
                    "+44 7700 900{:03}",
                    i + if plan.back_office { 100 } else { 0 }
                )),
                ..Default::default()
            }),
            ..Default::default()
        };
        let c = super::contacts::create(app, caller, Some(division_id.clone()), input)
            .await
            .map_err(anyhow::Error::new)?;
        ids.push(c.id);
    }
    Ok(ids)
}

fn closed_of(statuses: &[Status]) -> Option<&Status> {
    statuses
        .iter()
        .find(|s| s.category == casefile_domain::task::status::Category::Closed)
}

fn waiting_of(statuses: &[Status]) -> Option<&Status> {
    statuses
        .iter()
        .find(|s| s.category == casefile_domain::task::status::Category::Waiting)
}

async fn seed_cases(
    app: &App,
    caller: &Principal,
    plan: &Plan,
    caseplan_id: &str,
    stage_types: &[(casefile_domain::task::worktype::Worktype, Vec<Status>)],
    customers: &[String],
) -> anyhow::Result<usize> {
    let e = anyhow::Error::new;
    let priorities = [
        casefile_domain::case::engine::Priority::Low,
        casefile_domain::case::engine::Priority::Medium,
        casefile_domain::case::engine::Priority::High,
        casefile_domain::case::engine::Priority::Urgent,
    ];
    for i in 0..CASES_PER_PLAN {
        let data: Map<String, Value> = (plan.intake_data)(i)
            .as_object()
            .cloned()
            .unwrap_or_default();
        let input = cases::Input {
            caseplan_id: caseplan_id.to_owned(),
            summary: format!("{} #{}", plan.name, i + 1),
            priority: Some(priorities[i % 4]),
            external_contact_id: customers.get(i % customers.len().max(1)).cloned(),
            intake: vec![data],
            ..cases::Input::default()
        };
        let case = cases::create(app, caller, input).await.map_err(e)?;
        // 0: first stage open, 1: second stage, 2: third stage, 3: closed, 4: waiting in the first stage.
        let advance = i % 5;
        if i % 17 == 16 {
            cases::terminate(app, caller, &case.id).await.map_err(e)?;
            continue;
        }
        if advance == 4 {
            let c = app.store.get_case(&case.id).await?;
            if let (Some(w), Some(waiting)) = (
                c.stages[0].step.workitem_id.clone(),
                waiting_of(&stage_types[0].1),
            ) {
                let patch = workitems::Patch {
                    status_id: Some(waiting.id.clone()),
                    ..workitems::Patch::default()
                };
                workitems::update(app, caller, &w, patch, None)
                    .await
                    .map_err(e)?;
            }
            continue;
        }
        for (stage, (_, statuses)) in stage_types.iter().enumerate().take(advance.min(3)) {
            let c = app.store.get_case(&case.id).await?;
            let Some(w) = c.stages[stage].step.workitem_id.clone() else {
                break;
            };
            let Some(closed) = closed_of(statuses) else {
                break;
            };
            let fields = (plan.captured)(i, stage)
                .as_object()
                .cloned()
                .unwrap_or_default();
            let patch = workitems::Patch {
                status_id: Some(closed.id.clone()),
                custom_fields: (!fields.is_empty()).then_some(fields),
                ..workitems::Patch::default()
            };
            workitems::update(app, caller, &w, patch, None)
                .await
                .map_err(e)?;
        }
    }
    Ok(CASES_PER_PLAN)
}
