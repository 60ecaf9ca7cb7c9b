CREATE TABLE divisions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    home BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL,
    date_created BIGINT NOT NULL,
    date_modified BIGINT NOT NULL,
    CONSTRAINT divisions_name_key UNIQUE (name_key)
);
CREATE UNIQUE INDEX divisions_one_home ON divisions (home) WHERE home = 1;

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    division_id TEXT NOT NULL REFERENCES divisions (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    state TEXT NOT NULL,
    department TEXT,
    title TEXT,
    preferred_name TEXT,
    manager_id TEXT REFERENCES users (id),
    addresses TEXT NOT NULL,
    password_hash TEXT,
    version BIGINT NOT NULL,
    date_created BIGINT NOT NULL,
    date_modified BIGINT NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX users_by_division_name ON users (division_id, state, name, id);
CREATE INDEX users_by_state_name ON users (state, name, id);

CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    version BIGINT NOT NULL,
    date_created BIGINT NOT NULL,
    date_modified BIGINT NOT NULL
);

CREATE TABLE grants (
    subject_id TEXT NOT NULL,
    role TEXT NOT NULL,
    division TEXT NOT NULL,
    PRIMARY KEY (subject_id, role, division)
);
CREATE INDEX grants_by_division ON grants (division);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_by_expiry ON tokens (expires_at);

CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor_id TEXT,
    at BIGINT NOT NULL,
    before TEXT,
    after TEXT,
    CONSTRAINT events_entity_version UNIQUE (entity_type, entity_id, version)
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT,
    delivered_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE delivered_at IS NULL;
