-- Cases: typed columns for every lookup and filter the API offers, the whole case (with its
-- stages and steps) as JSON in `data`.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    division_id TEXT,
    caseplan_id TEXT NOT NULL,
    caseplan_version INTEGER NOT NULL,
    reference_key TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_id TEXT,
    priority TEXT NOT NULL,
    external_contact_id TEXT,
    customer_intent_id TEXT,
    date_due INTEGER,
    date_created INTEGER NOT NULL,
    date_modified INTEGER NOT NULL,
    date_closed INTEGER,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT cases_reference_key UNIQUE (reference_key)
);
CREATE INDEX cases_by_contact ON cases (external_contact_id, date_created);
CREATE INDEX cases_by_caseplan ON cases (caseplan_id, status, date_created);
CREATE INDEX cases_by_owner ON cases (owner_id, status, date_due);
CREATE INDEX cases_by_status ON cases (status, date_due);

-- The next reference number per caseplan, taken inside the creating transaction so numbers
-- are gap-free: a rolled-back case gives its number back.
CREATE TABLE case_counters (
    caseplan_id TEXT PRIMARY KEY,
    next_number INTEGER NOT NULL
);
