//! `serve --demo`: example people and divisions so a newcomer can call the API at once.
//! Idempotent: running it again keeps what exists and only rotates the demo client's secret.

use casefile_domain::authz::{DivisionScope, Grant, Role};
use casefile_domain::user::{NewUser, State};
use casefile_store::{Division, DivisionFilter, Page};

use super::{App, bootstrap, divisions, secrets, users};

pub const CLIENT_ID: &str = "casefile-demo";
pub const PASSWORD: &str = "casefile-demo";

/// What the demo printed for the newcomer.
#[derive(Debug)]
pub struct Demo {
    pub client_id: String,
    pub client_secret: String,
    pub users: Vec<(String, &'static str)>,
}

struct Person {
    name: &'static str,
    email: &'static str,
    role: Role,
    /// 0 = home division, 1 = "Back Office".
    division: usize,
}

const PEOPLE: [Person; 4] = [
    Person {
        name: "Ada Admin",
        email: "admin@demo.casefile.local",
        role: Role::Admin,
        division: 0,
    },
    Person {
        name: "Sam Supervisor",
        email: "supervisor@demo.casefile.local",
        role: Role::Supervisor,
        division: 0,
    },
    Person {
        name: "Alex Agent",
        email: "agent1@demo.casefile.local",
        role: Role::Agent,
        division: 0,
    },
    Person {
        name: "Bo Backoffice",
        email: "agent2@demo.casefile.local",
        role: Role::Agent,
        division: 1,
    },
];

pub async fn load(app: &App, home: &Division) -> anyhow::Result<Demo> {
    let secret = secrets::random_token();
    let admin = [Grant {
        role: Role::Admin,
        scope: DivisionScope::All,
    }];
    bootstrap::save_client(app, CLIENT_ID, "demo client", &secret, &admin).await?;
    let token = super::sessions::client_credentials(app, CLIENT_ID, &secret, None)
        .await
        .map_err(anyhow::Error::new)?;
    let caller = super::sessions::authenticate(app, &token.access_token)
        .await
        .map_err(anyhow::Error::new)?;

    let back_office = ensure_division(app, &caller, "Back Office").await?;
    let division_ids = [home.id.clone(), back_office.id.clone()];
    let mut printed = Vec::new();
    for person in &PEOPLE {
        let division_id = division_ids[person.division].clone();
        if app.store.find_user_login(person.email).await?.is_none() {
            let new = NewUser::parse(
                person.name,
                person.email,
                division_id.clone(),
                Some(State::Active),
                None,
                None,
                vec![],
            )?;
            let user = users::create(app, &caller, new, Some(PASSWORD.to_owned()))
                .await
                .map_err(anyhow::Error::new)?;
            let scope = if person.role == Role::Admin {
                DivisionScope::All
            } else {
                DivisionScope::One(division_id)
            };
            users::replace_grants(
                app,
                &caller,
                &user.id,
                vec![Grant {
                    role: person.role,
                    scope,
                }],
            )
            .await
            .map_err(anyhow::Error::new)?;
        }
        printed.push((person.email.to_owned(), person.role.id()));
    }
    let workitems = super::demo_tasks::load(app, &caller, &home.id, &back_office.id).await?;
    if workitems > 0 {
        tracing::info!(workitems, "demo task management data loaded");
    }
    let cases = super::demo_cases::load(app, &caller, &back_office.id).await?;
    if cases > 0 {
        tracing::info!(cases, "demo cases loaded");
    }
    Ok(Demo {
        client_id: CLIENT_ID.to_owned(),
        client_secret: secret,
        users: printed,
    })
}

async fn ensure_division(
    app: &App,
    caller: &casefile_domain::authz::Principal,
    name: &str,
) -> anyhow::Result<Division> {
    let filter = DivisionFilter {
        visible: casefile_domain::authz::Divisions::All,
        ids: None,
        name: Some(name.to_owned()),
    };
    let existing = app
        .store
        .list_divisions(&filter, Page { number: 1, size: 1 })
        .await?;
    if let Some(d) = existing.entities.into_iter().next() {
        return Ok(d);
    }
    let fields =
        casefile_domain::division::Fields::parse(name, Some("Demo division for back-office work"))?;
    divisions::create(app, caller, fields)
        .await
        .map_err(anyhow::Error::new)
}
