//! The `casefile` command.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use casefile_domain::authz::{DivisionScope, Grant, Role};
use casefile_server::app::{bootstrap, demo};
use casefile_server::clock::SystemClock;
use casefile_server::config::{self, Config};
use casefile_server::{server, telemetry};
use clap::{Parser, Subcommand};

/// mimalloc: glibc's malloc spent a tenth of the server's CPU under load, much of it on arena
/// locks shared by the runtime's threads (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "casefile",
    version,
    about = "Self-hosted case management, speaking the Genesys Cloud API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Configuration file (TOML); `casefile config example` prints one.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// sqlite://path or postgres://user@host/db (overrides the file and CASEFILE_DATABASE_URL).
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to bind, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Load demo data and print credentials to try the API with.
        #[arg(long)]
        demo: bool,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// OAuth client administration.
    Oauth {
        #[command(subcommand)]
        command: OauthCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print an example configuration file with every default.
    Example,
}

#[derive(Subcommand)]
enum OauthCommand {
    /// Create an OAuth client and print its id and secret.
    CreateClient {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        name: String,
        /// admin, supervisor or agent.
        #[arg(long)]
        role: String,
        /// Division id the role applies in; default: every division for admin, home otherwise.
        #[arg(long)]
        division: Option<String>,
    },
}

fn load(common: &Common) -> anyhow::Result<Config> {
    let mut config = Config::load(common.config.as_deref())?;
    if let Some(url) = &common.database_url {
        config.database_url = url.clone();
    }
    config.validate()?;
    Ok(config)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("casefile: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Serve {
            common,
            listen,
            demo,
        } => {
            let mut config = load(&common)?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            telemetry::init(&config.log_format);
            tracing::info!(config = ?config, "starting");
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            let base_url = config.public_url.clone().unwrap_or_else(|| {
                listener
                    .local_addr()
                    .map(|a| format!("http://{a}"))
                    .unwrap_or_else(|_| config.base_url())
            });
            let app = server::open(config, Arc::new(SystemClock)).await?;
            if demo {
                let home = app.store.home_division().await?;
                let demo = demo::load(&app, &home).await?;
                print_demo(&base_url, &demo);
            }
            tracing::info!(url = %base_url, "listening");
            server::serve(app, listener, server::shutdown_signal()).await
        }
        Command::Oauth {
            command:
                OauthCommand::CreateClient {
                    common,
                    name,
                    role,
                    division,
                },
        } => {
            let config = load(&common)?;
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role {role:?}: use admin, supervisor or agent")
            })?;
            let app = server::open(config, Arc::new(SystemClock)).await?;
            let scope = match division {
                Some(d) if d == "*" => DivisionScope::All,
                Some(d) => {
                    app.store
                        .get_division(&d)
                        .await
                        .with_context(|| format!("division {d:?} not found"))?;
                    DivisionScope::One(d)
                }
                None if role == Role::Admin => DivisionScope::All,
                None => DivisionScope::One(app.store.home_division().await?.id),
            };
            let (id, secret) =
                bootstrap::create_client(&app, &name, &[Grant { role, scope }]).await?;
            println!("client_id={id}\nclient_secret={secret}");
            Ok(())
        }
    }
}

fn print_demo(base_url: &str, demo: &demo::Demo) {
    println!("casefile is running at {base_url} with demo data");
    println!("  OAuth client id:     {}", demo.client_id);
    println!("  OAuth client secret: {}", demo.client_secret);
    println!(
        "  try: TOKEN=$(curl -s -u {}:{} -d grant_type=client_credentials {base_url}/oauth/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')",
        demo.client_id, demo.client_secret
    );
    println!("       curl -H \"Authorization: Bearer $TOKEN\" {base_url}/api/v2/users");
    println!("  demo users (password {:?}):", demo::PASSWORD);
    for (email, role) in &demo.users {
        println!("    {email} ({role})");
    }
}
