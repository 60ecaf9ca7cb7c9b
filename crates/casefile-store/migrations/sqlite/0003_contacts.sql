-- External contacts (customers). There may be millions, so they get tables of their own
-- rather than configuration documents: the contact as JSON in `data`, lowercased sort keys,
-- and a side table of search keys (each name and word of a name, the full name in both
-- orders, email addresses, phone digits) that a search matches by prefix on its index.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    division_id TEXT NOT NULL REFERENCES divisions (id),
    first_key TEXT NOT NULL,
    middle_key TEXT NOT NULL,
    last_key TEXT NOT NULL,
    title_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_modified INTEGER NOT NULL
);
CREATE INDEX contacts_by_last_name ON contacts (last_key, first_key, id);
CREATE INDEX contacts_by_first_name ON contacts (first_key, last_key, id);
CREATE INDEX contacts_by_division ON contacts (division_id, last_key, first_key, id);

CREATE TABLE contact_keys (
    search_key TEXT NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (search_key, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_keys_by_contact ON contact_keys (contact_id);

CREATE TABLE contact_notes (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    note_text TEXT NOT NULL,
    created_by TEXT,
    version INTEGER NOT NULL,
    date_created INTEGER NOT NULL,
    date_modified INTEGER NOT NULL
);
CREATE INDEX contact_notes_by_contact ON contact_notes (contact_id, date_created, id);
