-- A case's open stage workitem (filter caseId + statusCategory, sorted by due date) read by
-- an index instead of walking the status-category index and filtering.
DROP INDEX workitems_by_case;
CREATE INDEX workitems_by_case ON workitems (case_id, status_category, due_sort, id);
