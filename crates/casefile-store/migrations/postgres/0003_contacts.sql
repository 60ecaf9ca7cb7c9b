-- External contacts (customers). There may be millions, so they get tables of their own
-- rather than configuration documents: the contact as JSON in `data`, lowercased sort keys,
-- and a side table of search keys (each name and word of a name, the full name in both
-- orders, email addresses, phone digits) that a search matches by prefix on its index.
-- Keys use the "C" collation: byte order, so a prefix is a contiguous index range and the
-- order matches SQLite's.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    division_id TEXT NOT NULL REFERENCES divisions (id),
    first_key TEXT COLLATE "C" NOT NULL,
    middle_key TEXT COLLATE "C" NOT NULL,
    last_key TEXT COLLATE "C" NOT NULL,
    title_key TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    data TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    date_modified BIGINT NOT NULL
);
CREATE INDEX contacts_by_last_name ON contacts (last_key, first_key, id);
CREATE INDEX contacts_by_first_name ON contacts (first_key, last_key, id);
CREATE INDEX contacts_by_division ON contacts (division_id, last_key, first_key, id);

CREATE TABLE contact_keys (
    search_key TEXT COLLATE "C" NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (search_key, contact_id)
);
CREATE INDEX contact_keys_by_contact ON contact_keys (contact_id);

CREATE TABLE contact_notes (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    note_text TEXT NOT NULL,
    created_by TEXT,
    version BIGINT NOT NULL,
    date_created BIGINT NOT NULL,
    date_modified BIGINT NOT NULL
);
CREATE INDEX contact_notes_by_contact ON contact_notes (contact_id, date_created, id);
