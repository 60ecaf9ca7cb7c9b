//! Configuration: embedded defaults < config file < `CASEFILE_*` environment variables < flags.
//! One typed value, validated at start and passed in; never a global.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub const EXAMPLE: &str = include_str!("../casefile.example.toml");

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server binds.
    pub listen: SocketAddr,
    /// `sqlite://path` (created if missing) or `postgres://user@host/db`.
    pub database_url: String,
    /// Requests per minute per OAuth client; 0 turns the limit off. Each node counts on its
    /// own, so N nodes admit up to N times this many (a shared counter would cost a database
    /// write per request).
    pub rate_limit_per_minute: u32,
    /// Lifetime of issued access tokens.
    pub token_ttl_seconds: u32,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Connections in each PostgreSQL pool, the readers' and the writers' (so up to twice this
    /// many in all; SQLite uses one writer and `sqlite_readers` readers).
    pub postgres_pool_size: u32,
    pub sqlite_readers: u32,
    /// Bootstrap OAuth client with the admin role in every division, created or updated at start.
    pub admin_client_id: Option<String>,
    pub admin_client_secret: Option<String>,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Base URL the server is reachable at, for printed links.
    pub public_url: Option<String>,
    /// This process's name among the nodes sharing the database (job leases record it);
    /// a fresh random id when unset. Two live processes must never share one.
    pub node_id: Option<String>,
    /// How long a node's claim on a background job lasts without renewal; a job whose node
    /// died is resumed by another node this long after its last renewal.
    pub job_lease_seconds: u32,
    /// A client must send a request's headers within this many seconds of the connection
    /// opening or of the previous response; it also closes keep-alive connections idle that
    /// long (hyper's HTTP/1 server has one timer for both).
    pub header_read_timeout_seconds: u32,
    /// A request, body included, must be answered within this many seconds (408 otherwise).
    pub request_timeout_seconds: u32,
    /// Open connections at most; past it new ones are closed at once. Keep it below the
    /// process's file-descriptor limit (`ulimit -n`, often 1024), leaving room for the
    /// database connections and files.
    pub max_connections: u32,
    /// On SIGTERM, how long in-flight requests may take before the remaining connections are
    /// closed and the process exits.
    pub shutdown_drain_seconds: u32,
    /// Failed sign-ins from one client address within 5 minutes before that address is locked
    /// out for 5 minutes (every account's own bound of 10 holds as well); 0 turns the address
    /// bound off. Behind a reverse proxy every request comes from the proxy's address, so set
    /// 0 there (casefile does not read `X-Forwarded-For`).
    pub login_failures_per_address: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://casefile.db".to_owned(),
            rate_limit_per_minute: 300,
            token_ttl_seconds: 86_400,
            max_body_bytes: 1024 * 1024,
            postgres_pool_size: 16,
            sqlite_readers: 4,
            admin_client_id: None,
            admin_client_secret: None,
            log_format: "text".to_owned(),
            public_url: None,
            node_id: None,
            job_lease_seconds: 30,
            header_read_timeout_seconds: 10,
            request_timeout_seconds: 60,
            max_connections: 900,
            shutdown_drain_seconds: 30,
            login_failures_per_address: 100,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field(
                "database_url",
                &casefile_store::sql_redact(&self.database_url),
            )
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("postgres_pool_size", &self.postgres_pool_size)
            .field("sqlite_readers", &self.sqlite_readers)
            .field("admin_client_id", &self.admin_client_id)
            .field(
                "admin_client_secret",
                &self.admin_client_secret.as_ref().map(|_| "***"),
            )
            .field("log_format", &self.log_format)
            .field("public_url", &self.public_url)
            .field("node_id", &self.node_id)
            .field("job_lease_seconds", &self.job_lease_seconds)
            .field(
                "header_read_timeout_seconds",
                &self.header_read_timeout_seconds,
            )
            .field("request_timeout_seconds", &self.request_timeout_seconds)
            .field("max_connections", &self.max_connections)
            .field("shutdown_drain_seconds", &self.shutdown_drain_seconds)
            .field(
                "login_failures_per_address",
                &self.login_failures_per_address,
            )
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then the file (if given; it must exist), then `CASEFILE_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, Error> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(Error::Invalid(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("CASEFILE_").ignore(&["test_database_url", "bin"]));
        let config: Config = figment.extract().map_err(|e| Error::Load(Box::new(e)))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), Error> {
        casefile_store::Backend::from_url(&self.database_url)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        if self.token_ttl_seconds < 60 {
            return Err(Error::Invalid(
                "token_ttl_seconds must be at least 60".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(Error::Invalid(
                "max_body_bytes must be at least 1024".into(),
            ));
        }
        if self.admin_client_id.is_some() != self.admin_client_secret.is_some() {
            return Err(Error::Invalid(
                "admin_client_id and admin_client_secret must be set together".into(),
            ));
        }
        if let Some(secret) = &self.admin_client_secret
            && secret.len() < 16
        {
            return Err(Error::Invalid(
                "admin_client_secret must be at least 16 characters".into(),
            ));
        }
        if self.job_lease_seconds < 3 {
            return Err(Error::Invalid(
                "job_lease_seconds must be at least 3".into(),
            ));
        }
        for (name, value) in [
            (
                "header_read_timeout_seconds",
                self.header_read_timeout_seconds,
            ),
            ("request_timeout_seconds", self.request_timeout_seconds),
            ("max_connections", self.max_connections),
        ] {
            if value == 0 {
                return Err(Error::Invalid(format!("{name} must be at least 1")));
            }
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(Error::Invalid("log_format must be text or json".into()));
        }
        Ok(())
    }

    pub fn base_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_is_the_defaults() {
        let parsed: Config = Figment::from(Toml::string(EXAMPLE)).extract().unwrap();
        let defaults = Config::default();
        assert_eq!(parsed.listen, defaults.listen);
        assert_eq!(parsed.database_url, defaults.database_url);
        assert_eq!(parsed.rate_limit_per_minute, defaults.rate_limit_per_minute);
        assert_eq!(parsed.token_ttl_seconds, defaults.token_ttl_seconds);
    }

    #[test]
    fn other_schemes_are_refused() {
        let config = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("sqlite://")
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let config = Config {
            admin_client_secret: Some("super-secret-value".into()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("super-secret-value"));
    }
}
