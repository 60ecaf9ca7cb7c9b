-- A case's open stage workitem (filter caseId + statusCategory, sorted by due date) read by
-- an index instead of walking the status-category index and filtering.
DROP INDEX workitems_by_case;
CREATE INDEX workitems_by_case ON workitems (case_id, status_category, due_sort, id)
    WHERE case_id IS NOT NULL;

-- Most workitems have no queue, contact or case, and new ones no assignee: index only the rows
-- that have one, so a write touches fewer indexes (a query on `column = value` still uses them).
DROP INDEX workitems_by_assignee;
CREATE INDEX workitems_by_assignee ON workitems (assignee_id, status_category, due_sort, id)
    WHERE assignee_id IS NOT NULL;
DROP INDEX workitems_by_queue;
CREATE INDEX workitems_by_queue ON workitems (queue_id, status_category, due_sort, id)
    WHERE queue_id IS NOT NULL;
DROP INDEX workitems_by_contact;
CREATE INDEX workitems_by_contact ON workitems (external_contact_id)
    WHERE external_contact_id IS NOT NULL;
