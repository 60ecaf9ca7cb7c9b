-- Configuration objects (schemas, workbins, worktypes, statuses, intents, jobs, …) as JSON
-- documents with the columns their constraints and lookups need.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    division_id TEXT,
    parent_id TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_modified INTEGER NOT NULL
);
CREATE UNIQUE INDEX documents_unique_name ON documents (kind, parent_id, name_key);
CREATE INDEX documents_by_kind ON documents (kind, division_id, name_key);
CREATE INDEX documents_by_parent ON documents (parent_id);

-- Which document refers to which object, so a referenced object cannot be deleted.
CREATE TABLE document_refs (
    from_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    to_id TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX document_refs_by_target ON document_refs (to_id);

CREATE TABLE workitems (
    id TEXT PRIMARY KEY,
    division_id TEXT NOT NULL,
    type_id TEXT NOT NULL,
    workbin_id TEXT NOT NULL,
    status_id TEXT NOT NULL,
    status_category TEXT NOT NULL,
    name TEXT NOT NULL,
    priority INTEGER NOT NULL,
    date_created INTEGER NOT NULL,
    date_modified INTEGER NOT NULL,
    -- date_due, or a far-future sentinel, so the due-date order can use an index
    due_sort INTEGER NOT NULL,
    date_closed INTEGER,
    assignee_id TEXT,
    queue_id TEXT,
    external_contact_id TEXT,
    case_id TEXT,
    auto_transition_at INTEGER,
    terminated INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX workitems_by_workbin ON workitems (workbin_id, status_category, due_sort, id);
CREATE INDEX workitems_by_workbin_priority ON workitems (workbin_id, status_category, priority, id);
CREATE INDEX workitems_by_type ON workitems (type_id, status_category, due_sort, id);
CREATE INDEX workitems_by_assignee ON workitems (assignee_id, status_category, due_sort, id);
CREATE INDEX workitems_by_queue ON workitems (queue_id, status_category, due_sort, id);
CREATE INDEX workitems_by_status ON workitems (status_id, due_sort, id);
CREATE INDEX workitems_by_case ON workitems (case_id);
CREATE INDEX workitems_by_contact ON workitems (external_contact_id);
CREATE INDEX workitems_by_category ON workitems (status_category, due_sort, id);
CREATE INDEX workitems_auto_transition ON workitems (auto_transition_at) WHERE auto_transition_at IS NOT NULL;
