"""Case management compatibility: caseplans (drafts, stageplans and their stepplans, data
schemas, intake settings, publishing, versions), cases (intake, references, the stage engine
driving workitems, field updates, comments, associations, query jobs, terminate jobs), caseplan
versioning with cases in flight, and the two seed scenarios (Refund management, Customer care
escalation) from configuration through a closed case — driven through the unchanged Genesys
Cloud Python SDK (PureCloudPlatformClientV2 269.0.0): CaseManagementApi, plus TaskManagementApi
for the schemas, workbins and worktypes a caseplan needs and for the stage workitems.

Every test asserts on what comes back (model fields, HTTP status, ErrorBody naming the field in
messageParams). The server is shared by the session, so each test configures its own schema,
workbin, worktypes and caseplan (with a random reference prefix, so references start at
<PREFIX>-000001 and are sequential per caseplan).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import pytest

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from helpers import error_body, expect_api_error, unique

DRAFT_04 = "http://json-schema.org/draft-04/schema#"
MISSING_ID = "00000000-0000-0000-0000-00000000c0de"
JOB_TIMEOUT_S = 30.0
PRIORITIES = ["Urgent", "High", "Medium", "Low"]
PASSWORD = "Compat-Passw0rd!-long-enough"


# =========================================================================== helpers


def model(cls, **attrs):
    """Build an SDK model, refusing attribute names the model does not have (IntakeSetting's
    `property` is `pcProperty` in the SDK, for one)."""
    obj = cls()
    for k, v in attrs.items():
        assert k in obj.swagger_types, f"{cls.__name__} has no attribute {k!r}"
        setattr(obj, k, v)
    return obj


def attr(core_type: str, **extra) -> dict:
    """A custom attribute built on a core type, as Genesys schemas write them."""
    return {"allOf": [{"$ref": f"#/definitions/{core_type}"}], **extra}


def enum_attr(*values: str, **extra) -> dict:
    return attr("enum", enum=list(values), _enumProperties={
        v: {"title": v.replace("_", " ").title(), "_disabled": False} for v in values}, **extra)


def json_schema(properties: dict, required: list[str] | None = None):
    return model(gc.JsonSchemaDocument, schema=DRAFT_04, title="Case data", description="made by the compat suite",
                 type="object", properties=properties, required=required or [], additional_properties=False)


def new_prefix() -> str:
    """A random reference prefix of 8 alphanumerics (so no two caseplans of a run share one)."""
    return "C" + uuid.uuid4().hex[:7].upper()


def field_of(body: dict) -> str | None:
    return (body.get("messageParams") or {}).get("field")


def expect_field_error(status: int, field_name: str, fn, *args, **kwargs) -> dict:
    """An ApiException with this status whose ErrorBody names `field_name` in messageParams.field
    (and, as casefile's messages do, in the message)."""
    body = expect_api_error(status, fn, *args, **kwargs)
    assert field_of(body) == field_name, f"expected the error to name {field_name!r}: {body}"
    assert field_name in body["message"], body
    return body


def expect_error_naming(status: int, fragment: str, fn, *args, **kwargs) -> dict:
    """An ApiException with this status whose messageParams.field mentions `fragment`."""
    body = expect_api_error(status, fn, *args, **kwargs)
    assert fragment in (field_of(body) or ""), f"expected the error's field to mention {fragment!r}: {body}"
    return body


def unchecked(cls, **attrs):
    """An SDK model holding values its setters would replace client-side (the server must refuse them)."""
    obj = cls()
    for k, v in attrs.items():
        assert k in obj.swagger_types, f"{cls.__name__} has no attribute {k!r}"
        setattr(obj, "_" + k, v)
    return obj


def wait_for(fetch, is_done, what: str):
    """Polls `fetch()` until `is_done(result)`; returns the last result."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    result = fetch()
    while not is_done(result):
        assert time.monotonic() < deadline, f"{what} not done after {JOB_TIMEOUT_S:.0f} s: {result}"
        time.sleep(0.1)
        result = fetch()
    return result


def aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def close_to(a: datetime, b: datetime, seconds: float = 5.0) -> bool:
    return abs((aware(a) - aware(b)).total_seconds()) <= seconds


# =========================================================================== configuration


@dataclass
class Plan:
    """A caseplan configured by the suite, with what it was built from."""
    id: str
    prefix: str
    schema: object
    workbin: object
    worktypes: list
    stageplans: list
    stepplans: list
    created: object
    published: object | None = None
    division_id: str | None = None
    closed_status: dict = field(default_factory=dict)  # worktype id -> Closed-category status id


@pytest.fixture
def cm(admin_client):
    return gc.CaseManagementApi(admin_client)


@pytest.fixture
def tm(admin_client):
    return gc.TaskManagementApi(admin_client)


@pytest.fixture
def contacts(admin_client):
    return gc.ExternalContactsApi(admin_client)


@pytest.fixture
def make_contact(contacts):
    def make():
        created = contacts.post_externalcontacts_contacts(model(
            gc.ExternalContact, first_name="Grace", last_name=unique("Hopper"),
            work_email=unique("grace").lower() + "@example.com"))
        assert isinstance(created, gc.ExternalContact) and created.id
        return created

    return make


GENERIC_PROPERTIES = {
    "order_id_identifier": attr("identifier", title="Order", minLength=1, maxLength=20),
    "amount_number": attr("number", title="Amount", minimum=0, maximum=100000),
    "reason_enum": enum_attr("damaged", "late", "other", title="Reason"),
    "note_text": attr("text", title="Note", maxLength=100),
    "checked_checkbox": attr("checkbox", title="Checked"),
}
GENERIC_INTAKE = [("order_id_identifier", True), ("amount_number", False), ("reason_enum", False)]


class Configurator:
    """Builds what a caseplan needs through the SDK: schema, workbin, one worktype per stage
    using the schema, the caseplan, its stageplans in order and each stepplan's worktype."""

    def __init__(self, cm, tm):
        self.cm = cm
        self.tm = tm

    def schema(self, properties: dict, required: list[str] | None = None):
        created = self.tm.post_taskmanagement_workitems_schemas(model(
            gc.DataSchema, name=unique("Case schema")[:50], json_schema=json_schema(properties, required)))
        assert isinstance(created, gc.DataSchema)
        return created

    def workbin(self, division_id: str | None = None):
        attrs = {"division_id": division_id} if division_id else {}
        return self.tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=unique("Case workbin"), **attrs))

    def worktype(self, workbin, schema_id: str | None, name: str | None = None, division_id: str | None = None):
        attrs = {"division_id": division_id} if division_id else {}
        if schema_id:
            attrs["schema_id"] = schema_id
        created = self.tm.post_taskmanagement_worktypes(model(
            gc.WorktypeCreate, name=(name or unique("Stage worktype"))[:200], default_workbin_id=workbin.id, **attrs))
        assert isinstance(created, gc.Worktype)
        assert {s.category for s in created.statuses} >= {"Open", "Closed"}
        return created

    def caseplan_create(self, name=None, prefix=None, schema_id=None, intake=None, bad=None, **extra):
        """A CaseplanCreate; `bad` holds values the SDK's setters would refuse client-side."""
        attrs = dict(name=name or unique("Caseplan"), reference_prefix=prefix or new_prefix(),
                     default_due_duration_in_seconds=extra.pop("due", 3 * 86400))
        if schema_id:
            attrs["data_schemas"] = [model(gc.CaseplanDataSchema, id=schema_id)]
        if intake is not None:
            attrs["intake_settings"] = [model(gc.IntakeSetting, pcProperty=p, required=r, display_order=i)
                                        for i, (p, r) in enumerate(intake)]
        attrs.update(extra)
        body = model(gc.CaseplanCreate, **attrs)
        for k, v in (bad or {}).items():
            assert k in body.swagger_types
            setattr(body, "_" + k, v)
        return body

    def add_stages(self, caseplan_id: str, names: list[str], after: str | None = None) -> list:
        made = []
        for n in names:
            attrs = {"after": after} if after else {}
            sp = self.cm.post_casemanagement_caseplan_stageplans(caseplan_id, model(
                gc.StageplanCreate, name=n, description=f"stage {n}", **attrs))
            assert isinstance(sp, gc.Stageplan) and sp.id
            made.append(sp)
            after = sp.id
        return made

    def stepplan_of(self, caseplan_id: str, version: str, stageplan_id: str):
        listing = self.cm.get_casemanagement_caseplan_version_stageplan_stepplans(caseplan_id, version, stageplan_id)
        assert isinstance(listing, gc.StepplanListing)
        assert len(listing.entities) == 1, "each stageplan has exactly one stepplan"
        return listing.entities[0]

    def plan(self, *, stages=("Capture", "Review", "Finish"), properties=None, intake=None, required=None,
             publish=True, division_id=None, name=None, prefix=None) -> Plan:
        schema = self.schema(GENERIC_PROPERTIES if properties is None else properties, required)
        workbin = self.workbin(division_id)
        worktypes = [self.worktype(workbin, schema.id, name=f"{name or 'Stage'} — {s} {uuid.uuid4().hex[:6]}",
                                   division_id=division_id) for s in stages]
        extra = {"division_id": division_id} if division_id else {}
        created = self.cm.post_casemanagement_caseplans(self.caseplan_create(
            name=name, prefix=prefix, schema_id=schema.id,
            intake=GENERIC_INTAKE if intake is None else intake, **extra))
        assert isinstance(created, gc.CaseplanCreateResponse)
        stageplans = self.add_stages(created.id, list(stages))
        stepplans = []
        for sp, wt in zip(stageplans, worktypes):
            st = self.stepplan_of(created.id, "1", sp.id)
            patched = self.cm.patch_casemanagement_caseplan_stageplan_stepplan(created.id, sp.id, st.id, model(
                gc.StepplanUpdate, workitem_settings=model(gc.WorkitemSettings, worktype_id=wt.id)))
            assert patched.workitem_settings.worktype.id == wt.id
            stepplans.append(patched)
        plan = Plan(id=created.id, prefix=created.reference_prefix, schema=schema, workbin=workbin,
                    worktypes=worktypes, stageplans=stageplans, stepplans=stepplans, created=created,
                    division_id=division_id,
                    closed_status={wt.id: next(s.id for s in wt.statuses if s.category == "Closed")
                                   for wt in worktypes})
        if publish:
            plan.published = self.cm.post_casemanagement_caseplan_publish(created.id)
            assert plan.published.version_state == "Published"
        return plan


@pytest.fixture
def config(cm, tm):
    return Configurator(cm, tm)


@pytest.fixture
def plan(config) -> Plan:
    """A published three-stage caseplan on the generic schema."""
    return config.plan()


# =========================================================================== case helpers


def intake(**data):
    return [model(gc.Intake, data=data)]


def new_case(cm, plan: Plan, summary: str | None = None, data: dict | None = None, **extra):
    body = model(gc.CaseCreate, caseplan_id=plan.id, summary=summary or unique("Case summary"),
                 intake=intake(**({"order_id_identifier": "ORD-1"} if data is None else data)), **extra)
    created = cm.post_casemanagement_cases(body)
    assert isinstance(created, gc.Case)
    return created


def stages_of(cm, case_id: str) -> list:
    listing = cm.get_casemanagement_case_stages(case_id)
    assert isinstance(listing, gc.StageListing)
    return listing.entities


def step_of(cm, case_id: str, stage_id: str):
    listing = cm.get_casemanagement_case_stage_steps(case_id, stage_id)
    assert isinstance(listing, gc.StepListing)
    assert len(listing.entities) == 1, "each stage has exactly one step"
    return listing.entities[0]


def stage_workitem(cm, tm, case_id: str, index: int):
    """The workitem the engine started for a stage, found through stage -> step -> workitemActivity."""
    stage = stages_of(cm, case_id)[index]
    step = step_of(cm, case_id, stage.id)
    assert step.workitem_activity is not None and step.workitem_activity.id, f"stage {index} has no workitem: {step}"
    item = tm.get_taskmanagement_workitem(step.workitem_activity.id)
    assert isinstance(item, gc.Workitem)
    return item


def workitems_of_case(tm, case_id: str) -> list:
    listing = tm.post_taskmanagement_workitems_query(model(
        gc.WorkitemQueryPostRequest, filters=[model(gc.WorkitemFilter, name="caseId", operator="EQ", values=[case_id])],
        page_size=50))
    return listing.entities or []


def close_workitem(tm, item, plan: Plan | None = None):
    """Moves a workitem to its worktype's Closed-category status."""
    status_id = plan.closed_status.get(item.type.id) if plan else None
    if status_id is None:
        statuses = tm.get_taskmanagement_worktype_statuses(item.type.id).entities
        status_id = next(s.id for s in statuses if s.category == "Closed")
    closed = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, status_id=status_id))
    assert closed.status_category == "Closed"
    assert closed.date_closed is not None
    return closed


def finish_stage(cm, tm, case_id: str, index: int, plan: Plan | None = None, fields: dict | None = None):
    """Optionally records fields on the stage's workitem, then closes it."""
    item = stage_workitem(cm, tm, case_id, index)
    if fields:
        item = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, custom_fields=fields))
        for k, v in fields.items():
            assert item.custom_fields[k] == v
    return close_workitem(tm, item, plan)


def run_query_job(cm, **body):
    job = cm.post_casemanagement_cases_query_jobs(model(gc.CaseQueryJobCreate, **body))
    assert isinstance(job, gc.CaseQueryJobResponse)
    assert job.id and job.state in ("Queued", "Running", "Succeeded")
    done = wait_for(lambda: cm.get_casemanagement_cases_query_job(job.id),
                    lambda j: j.state in ("Succeeded", "Failed"), f"case query job {job.id}")
    assert done.state == "Succeeded", done
    assert done.id == job.id
    results = cm.get_casemanagement_cases_query_job_results(job.id)
    assert isinstance(results, gc.CaseQueryJobResultsResponse)
    return results


def qfilter(name: str, operator: str, *values):
    return model(gc.CaseQueryJobFilter, name=name, operator=operator, values=[str(v) for v in values])


# =========================================================================== caseplans


class TestCaseplans:
    def test_create_get_list_patch_delete(self, cm, config, home_division):
        schema = config.schema(GENERIC_PROPERTIES)
        name = unique("Refunds plan")
        prefix = new_prefix()
        created = cm.post_casemanagement_caseplans(config.caseplan_create(
            name=name, prefix=prefix.lower(), schema_id=schema.id, intake=GENERIC_INTAKE, due=86400,
            description="made by the compat suite"))
        assert isinstance(created, gc.CaseplanCreateResponse)
        assert created.id
        assert created.name == name
        assert created.description == "made by the compat suite"
        assert created.reference_prefix == prefix, "the prefix is kept upper case"
        assert created.default_due_duration_in_seconds == 86400
        assert created.division is not None and created.division.id == home_division.id
        assert created.latest == 1
        assert not created.published
        assert created.version_state == "Draft"
        assert created.date_created is not None
        assert [s.id for s in created.data_schemas] == [schema.id]
        assert [(s.pcProperty, s.required, s.display_order) for s in created.intake_settings] == [
            ("order_id_identifier", True, 0), ("amount_number", False, 1), ("reason_enum", False, 2)]
        assert created.self_uri.endswith("/api/v2/casemanagement/caseplans/" + created.id)

        got = cm.get_casemanagement_caseplan(created.id)
        assert isinstance(got, gc.Caseplan)
        assert (got.id, got.name, got.reference_prefix, got.latest, got.version_state) == (
            created.id, name, prefix, 1, "Draft")
        assert [s.id for s in cm.get_casemanagement_caseplan_version_dataschemas(created.id, "1").entities] == [
            schema.id]

        listing = cm.get_casemanagement_caseplans(page_size=200)
        assert isinstance(listing, gc.CaseplanListing)
        assert created.id in {c.id for c in listing.entities}

        renamed = unique("Renamed plan")
        patched = cm.patch_casemanagement_caseplan(created.id, model(
            gc.CaseplanUpdate, name=renamed, description="renamed", default_due_duration_in_seconds=7200))
        assert isinstance(patched, gc.Caseplan)
        assert (patched.name, patched.description, patched.default_due_duration_in_seconds) == (
            renamed, "renamed", 7200)
        assert patched.reference_prefix == prefix
        assert patched.version_state == "Draft" and patched.latest == 1
        v1 = cm.get_casemanagement_caseplan_version(created.id, "1")
        assert (v1.name, v1.default_due_duration_in_seconds) == (renamed, 7200), "a draft is edited in place"

        assert not cm.delete_casemanagement_caseplan(created.id)
        expect_api_error(404, cm.get_casemanagement_caseplan, created.id)
        assert created.id not in {c.id for c in cm.get_casemanagement_caseplans(page_size=200).entities}

    def test_unknown_caseplan_is_404(self, cm):
        expect_api_error(404, cm.get_casemanagement_caseplan, MISSING_ID)
        expect_api_error(404, cm.get_casemanagement_caseplan_version, MISSING_ID, "1")
        expect_api_error(404, cm.patch_casemanagement_caseplan, MISSING_ID, model(gc.CaseplanUpdate, name="Nobody"))
        expect_api_error(404, cm.post_casemanagement_caseplan_publish, MISSING_ID)

    @pytest.mark.parametrize("prefix", ["A", "TOOLONGXX", "RE-F", "RE F", "RÉF"])
    def test_reference_prefix_is_2_to_8_alphanumerics(self, cm, config, prefix):
        expect_field_error(400, "referencePrefix", cm.post_casemanagement_caseplans,
                           config.caseplan_create(bad={"reference_prefix": prefix}))

    @pytest.mark.parametrize("prefix", ["AB", "a1b2c3d4"])
    def test_reference_prefix_bounds_are_accepted(self, cm, config, prefix):
        created = cm.post_casemanagement_caseplans(config.caseplan_create(prefix=prefix))
        assert created.reference_prefix == prefix.upper()

    def test_field_rules(self, cm, config):
        expect_field_error(400, "name", cm.post_casemanagement_caseplans, config.caseplan_create(bad={"name": "ab"}))
        expect_field_error(400, "name", cm.post_casemanagement_caseplans,
                           config.caseplan_create(bad={"name": "x" * 257}))
        expect_field_error(400, "defaultDueDurationInSeconds", cm.post_casemanagement_caseplans,
                           config.caseplan_create(bad={"default_due_duration_in_seconds": 0}))
        expect_field_error(400, "referencePrefix", cm.post_casemanagement_caseplans,
                           model(gc.CaseplanCreate, name=unique("No prefix")))
        expect_field_error(400, "intakeSettings", cm.post_casemanagement_caseplans, config.caseplan_create(
            intake=[(f"p{i}_text", False) for i in range(11)]))
        expect_field_error(400, "intakeSettings[1].property", cm.post_casemanagement_caseplans,
                           config.caseplan_create(intake=[("a_text", False), ("a_text", True)]))
        expect_field_error(400, "dataSchemas", cm.post_casemanagement_caseplans,
                           config.caseplan_create(schema_id=MISSING_ID))

    def test_stageplans_order_reposition_and_at_most_three(self, cm, config):
        created = cm.post_casemanagement_caseplans(config.caseplan_create())
        first = cm.post_casemanagement_caseplan_stageplans(created.id, model(gc.StageplanCreate, name="Second"))
        front = cm.post_casemanagement_caseplan_stageplans(created.id, model(gc.StageplanCreate, name="First"))
        last = cm.post_casemanagement_caseplan_stageplans(created.id, model(
            gc.StageplanCreate, name="Third", description="the end", after=first.id))
        assert isinstance(last, gc.Stageplan)
        assert (last.name, last.description) == ("Third", "the end")
        assert last.caseplan is not None and last.caseplan.id == created.id
        assert last.date_created is not None

        def order():
            listing = cm.get_casemanagement_caseplan_version_stageplans(created.id, "1")
            assert isinstance(listing, gc.StageplanListing)
            return [s.name for s in listing.entities]

        assert order() == ["First", "Second", "Third"], "omitting `after` puts a stageplan at the front"
        body = expect_field_error(400, "stageplans", cm.post_casemanagement_caseplan_stageplans, created.id,
                                  model(gc.StageplanCreate, name="Fourth", after=last.id))
        assert "3" in body["message"]
        assert order() == ["First", "Second", "Third"]

        # Each stageplan has one stepplan, without an activity until a worktype is given.
        for sp in (front, first, last):
            step = config.stepplan_of(created.id, "1", sp.id)
            assert isinstance(step, gc.Stepplan)
            assert step.id and step.stageplan.id == sp.id
            assert step.activity_type in ("None", "Unknown")
            assert step.workitem_settings is None or step.workitem_settings.worktype is None
            one = cm.get_casemanagement_caseplan_version_stageplan_stepplan(created.id, "1", sp.id, step.id)
            assert one.id == step.id
            assert cm.get_casemanagement_caseplan_version_stageplan(created.id, "1", sp.id).name == sp.name

        assert not cm.post_casemanagement_caseplan_stageplan_reposition(
            created.id, last.id, model(gc.StageplanReposition)), "no content"
        assert order() == ["Third", "First", "Second"]
        cm.post_casemanagement_caseplan_stageplan_reposition(
            created.id, last.id, model(gc.StageplanReposition, after=first.id))
        assert order() == ["First", "Second", "Third"]
        cm.post_casemanagement_caseplan_stageplan_reposition(
            created.id, front.id, model(gc.StageplanReposition, after=first.id))
        assert order() == ["Second", "First", "Third"]
        expect_field_error(400, "after", cm.post_casemanagement_caseplan_stageplan_reposition,
                           created.id, front.id, model(gc.StageplanReposition, after=MISSING_ID))
        assert order() == ["Second", "First", "Third"], "a refused move changes nothing"

        renamed = cm.patch_casemanagement_caseplan_stageplan(created.id, front.id, model(
            gc.StageplanUpdate, name="Opening", description="renamed"))
        assert (renamed.id, renamed.name, renamed.description) == (front.id, "Opening", "renamed")
        expect_field_error(400, "name", cm.patch_casemanagement_caseplan_stageplan, created.id, front.id,
                           unchecked(gc.StageplanUpdate, name="ab"))

        assert not cm.delete_casemanagement_caseplan_stageplan(created.id, first.id)
        assert order() == ["Opening", "Third"]
        expect_api_error(404, cm.get_casemanagement_caseplan_version_stageplan, created.id, "1", first.id)
        # Room for a third again.
        cm.post_casemanagement_caseplan_stageplans(created.id, model(gc.StageplanCreate, name="Again", after=last.id))
        assert order() == ["Opening", "Third", "Again"]

    def test_stepplan_worktype_must_use_the_caseplan_schema(self, cm, config):
        schema = config.schema(GENERIC_PROPERTIES)
        other_schema = config.schema({"x_text": attr("text")})
        workbin = config.workbin()
        good = config.worktype(workbin, schema.id)
        wrong_schema = config.worktype(workbin, other_schema.id)
        created = cm.post_casemanagement_caseplans(config.caseplan_create(schema_id=schema.id))
        (sp,) = config.add_stages(created.id, ["Only stage"])
        st = config.stepplan_of(created.id, "1", sp.id)

        expect_field_error(400, "workitemSettings.worktypeId", cm.patch_casemanagement_caseplan_stageplan_stepplan,
                           created.id, sp.id, st.id,
                           model(gc.StepplanUpdate, workitem_settings=model(gc.WorkitemSettings,
                                                                            worktype_id=wrong_schema.id)))
        expect_field_error(400, "workitemSettings.worktypeId", cm.patch_casemanagement_caseplan_stageplan_stepplan,
                           created.id, sp.id, st.id,
                           model(gc.StepplanUpdate, workitem_settings=model(gc.WorkitemSettings,
                                                                            worktype_id=MISSING_ID)))
        patched = cm.patch_casemanagement_caseplan_stageplan_stepplan(created.id, sp.id, st.id, model(
            gc.StepplanUpdate, name="Do the work", workitem_settings=model(gc.WorkitemSettings, worktype_id=good.id)))
        assert isinstance(patched, gc.Stepplan)
        assert patched.id == st.id
        assert patched.name == "Do the work"
        assert patched.activity_type == "Workitem"
        assert patched.workitem_settings.worktype.id == good.id
        assert patched.stageplan.id == sp.id
        again = cm.get_casemanagement_caseplan_version_stageplan_stepplan(created.id, "1", sp.id, st.id)
        assert again.workitem_settings.worktype.id == good.id
        expect_api_error(404, cm.patch_casemanagement_caseplan_stageplan_stepplan, created.id, sp.id, MISSING_ID,
                         model(gc.StepplanUpdate, name="Nowhere"))

    def test_publish_names_what_is_missing(self, cm, config):
        created = cm.post_casemanagement_caseplans(config.caseplan_create())
        body = expect_field_error(400, "dataSchemas", cm.post_casemanagement_caseplan_publish, created.id)
        assert body["status"] == 400

        schema = config.schema(GENERIC_PROPERTIES)
        added = cm.post_casemanagement_caseplan_dataschemas(created.id, model(gc.CaseplanDataSchemaRequest,
                                                                              id=schema.id))
        assert isinstance(added, gc.CaseplanDataSchema) and added.id == schema.id
        expect_field_error(400, "stageplans", cm.post_casemanagement_caseplan_publish, created.id)

        (sp,) = config.add_stages(created.id, ["Work"])
        expect_field_error(400, "stageplans[0].stepplan.workitemSettings.worktypeId",
                           cm.post_casemanagement_caseplan_publish, created.id)
        assert cm.get_casemanagement_caseplan(created.id).version_state == "Draft", "a refused publish changes nothing"

        wt = config.worktype(config.workbin(), schema.id)
        st = config.stepplan_of(created.id, "1", sp.id)
        cm.patch_casemanagement_caseplan_stageplan_stepplan(created.id, sp.id, st.id, model(
            gc.StepplanUpdate, workitem_settings=model(gc.WorkitemSettings, worktype_id=wt.id)))
        # Intake settings must name properties of the data schema.
        cm.put_casemanagement_caseplan_intakesettings(created.id, model(gc.IntakeSettingsUpdate, intake_settings=[
            model(gc.IntakeSetting, pcProperty="not_in_schema_text", required=False, display_order=0)]))
        expect_field_error(400, "intakeSettings[0].property", cm.post_casemanagement_caseplan_publish, created.id)
        cm.put_casemanagement_caseplan_intakesettings(created.id, model(gc.IntakeSettingsUpdate, intake_settings=[
            model(gc.IntakeSetting, pcProperty="order_id_identifier", required=True, display_order=0)]))

        published = cm.post_casemanagement_caseplan_publish(created.id)
        assert isinstance(published, gc.Caseplan)
        assert published.id == created.id
        assert published.version_state == "Published"
        assert published.published == 1 and published.latest == 1
        assert published.date_published is not None
        # Publishing again: there is no draft.
        expect_api_error(400, cm.post_casemanagement_caseplan_publish, created.id)

    def test_published_version_is_frozen_and_a_new_version_is_a_draft(self, cm, config, plan):
        expect_api_error(400, cm.patch_casemanagement_caseplan, plan.id, model(gc.CaseplanUpdate, name=unique("No")))
        expect_api_error(400, cm.post_casemanagement_caseplan_stageplans, plan.id,
                         model(gc.StageplanCreate, name="Late stage"))
        expect_api_error(400, cm.patch_casemanagement_caseplan_stageplan, plan.id, plan.stageplans[0].id,
                         model(gc.StageplanUpdate, name="Renamed"))
        expect_api_error(400, cm.delete_casemanagement_caseplan_stageplan, plan.id, plan.stageplans[0].id)
        expect_api_error(400, cm.put_casemanagement_caseplan_intakesettings, plan.id,
                         model(gc.IntakeSettingsUpdate, intake_settings=[]))
        expect_api_error(400, cm.delete_casemanagement_caseplan_dataschema, plan.id, plan.schema.id)
        expect_api_error(400, cm.patch_casemanagement_caseplan_stageplan_stepplan, plan.id, plan.stageplans[0].id,
                         plan.stepplans[0].id, model(gc.StepplanUpdate, name="Renamed step"))
        v1 = cm.get_casemanagement_caseplan_version(plan.id, "1")
        assert v1.version_state == "Published" and v1.name == plan.created.name

        draft = cm.post_casemanagement_caseplan_versions(plan.id)
        assert isinstance(draft, gc.Caseplan)
        assert draft.id == plan.id
        assert draft.version_state == "Draft"
        assert (draft.latest, draft.published) == (2, 1)
        assert draft.reference_prefix == plan.prefix
        # Only one draft at a time.
        expect_api_error(400, cm.post_casemanagement_caseplan_versions, plan.id)

        got = cm.get_casemanagement_caseplan(plan.id)
        assert (got.latest, got.published, got.version_state) == (2, 1, "Draft")
        v2 = cm.get_casemanagement_caseplan_version(plan.id, "2")
        assert v2.version_state == "Draft"
        assert [s.id for s in cm.get_casemanagement_caseplan_version_dataschemas(plan.id, "2").entities] == [
            plan.schema.id]
        assert len(cm.get_casemanagement_caseplan_version_stageplans(plan.id, "2").entities) == 3, \
            "the new draft starts as a copy of the published version"
        expect_api_error(404, cm.get_casemanagement_caseplan_version, plan.id, "3")

        # The draft is editable; the published version does not change.
        new_name = unique("Version two")
        patched = cm.patch_casemanagement_caseplan(plan.id, model(gc.CaseplanUpdate, name=new_name))
        assert patched.name == new_name and patched.version_state == "Draft"
        assert cm.get_casemanagement_caseplan_version(plan.id, "1").name == plan.created.name
        assert cm.get_casemanagement_caseplan_version(plan.id, "2").name == new_name

        # The reference prefix is fixed once published.
        expect_field_error(400, "referencePrefix", cm.patch_casemanagement_caseplan, plan.id,
                           model(gc.CaseplanUpdate, reference_prefix=new_prefix()))
        same = cm.patch_casemanagement_caseplan(plan.id, model(gc.CaseplanUpdate, reference_prefix=plan.prefix.lower()))
        assert same.reference_prefix == plan.prefix

        republished = cm.post_casemanagement_caseplan_publish(plan.id)
        assert (republished.published, republished.latest, republished.version_state) == (2, 2, "Published")
        assert cm.get_casemanagement_caseplan_version(plan.id, "2").name == new_name

    def test_reference_prefix_can_change_before_publishing(self, cm, config):
        created = cm.post_casemanagement_caseplans(config.caseplan_create())
        other = new_prefix()
        patched = cm.patch_casemanagement_caseplan(created.id, model(gc.CaseplanUpdate, reference_prefix=other))
        assert patched.reference_prefix == other
        expect_field_error(400, "referencePrefix", cm.patch_casemanagement_caseplan, created.id,
                           unchecked(gc.CaseplanUpdate, reference_prefix="X"))

    def test_dataschemas_post_put_delete(self, cm, config):
        created = cm.post_casemanagement_caseplans(config.caseplan_create())
        assert not created.data_schemas, "a caseplan may be created without a schema (a draft)"
        assert cm.get_casemanagement_caseplan_version_dataschemas(created.id, "1").entities in ([], None)
        first = config.schema(GENERIC_PROPERTIES)
        second = config.schema({"other_text": attr("text")})

        added = cm.post_casemanagement_caseplan_dataschemas(created.id, model(gc.CaseplanDataSchemaRequest,
                                                                              id=first.id))
        assert isinstance(added, gc.CaseplanDataSchema) and added.id == first.id
        listing = cm.get_casemanagement_caseplan_version_dataschemas(created.id, "1")
        assert isinstance(listing, gc.CaseplanDataSchemaListing)
        assert [s.id for s in listing.entities] == [first.id]

        replaced = cm.put_casemanagement_caseplan_dataschema(created.id, first.id, model(
            gc.CaseplanDataSchemaRequest, id=second.id))
        assert replaced.id == second.id
        assert [s.id for s in cm.get_casemanagement_caseplan_version_dataschemas(created.id, "1").entities] == [
            second.id]

        expect_api_error(400, cm.post_casemanagement_caseplan_dataschemas, created.id,
                         model(gc.CaseplanDataSchemaRequest, id=MISSING_ID))
        expect_api_error(404, cm.delete_casemanagement_caseplan_dataschema, created.id, first.id)
        assert not cm.delete_casemanagement_caseplan_dataschema(created.id, second.id)
        assert cm.get_casemanagement_caseplan_version_dataschemas(created.id, "1").entities in ([], None)

    def test_intake_settings(self, cm, config):
        schema = config.schema(GENERIC_PROPERTIES)
        created = cm.post_casemanagement_caseplans(config.caseplan_create(schema_id=schema.id, intake=[]))
        settings = [model(gc.IntakeSetting, pcProperty="amount_number", required=False, display_order=2),
                    model(gc.IntakeSetting, pcProperty="order_id_identifier", required=True, display_order=1)]
        put = cm.put_casemanagement_caseplan_intakesettings(created.id, model(gc.IntakeSettingsUpdate,
                                                                              intake_settings=settings))
        assert isinstance(put, gc.IntakeSettingsListing)
        assert put.entities is not None, "IntakeSettingsListing carries the settings in `entities`"
        assert [(s.pcProperty, s.required, s.display_order) for s in put.entities] == [
            ("amount_number", False, 2), ("order_id_identifier", True, 1)]

        got = cm.get_casemanagement_caseplan_version_intakesettings(created.id, "1")
        assert isinstance(got, gc.IntakeSettingsListing)
        assert got.entities is not None, "IntakeSettingsListing carries the settings in `entities`"
        assert {(s.pcProperty, s.required, s.display_order) for s in got.entities} == {
            ("amount_number", False, 2), ("order_id_identifier", True, 1)}
        expect_field_error(400, "intakeSettings", cm.put_casemanagement_caseplan_intakesettings, created.id,
                           model(gc.IntakeSettingsUpdate, intake_settings=[
                               model(gc.IntakeSetting, pcProperty=f"p{i}_text", required=False, display_order=i)
                               for i in range(11)]))
        expect_field_error(400, "intakeSettings[1].property", cm.put_casemanagement_caseplan_intakesettings,
                           created.id, model(gc.IntakeSettingsUpdate, intake_settings=[
                               model(gc.IntakeSetting, pcProperty="amount_number", display_order=0),
                               model(gc.IntakeSetting, pcProperty="amount_number", display_order=1)]))
        # Refused updates changed nothing.
        assert {s.pcProperty for s in cm.get_casemanagement_caseplan_version_intakesettings(created.id, "1").entities
                or []} == {"amount_number", "order_id_identifier"}

    def test_version_listings_of_unknown_version_are_404(self, cm, plan):
        expect_api_error(404, cm.get_casemanagement_caseplan_version_stageplans, plan.id, "9")
        expect_api_error(404, cm.get_casemanagement_caseplan_version_dataschemas, plan.id, "9")
        expect_api_error(404, cm.get_casemanagement_caseplan_version_intakesettings, plan.id, "9")
        expect_api_error(404, cm.get_casemanagement_caseplan_version_stageplan, plan.id, "1", MISSING_ID)

    def test_caseplan_with_cases_cannot_be_deleted(self, cm, plan):
        new_case(cm, plan)
        with pytest.raises(ApiException) as info:
            cm.delete_casemanagement_caseplan(plan.id)
        assert info.value.status in (400, 409)
        error_body(info.value)
        assert cm.get_casemanagement_caseplan(plan.id).id == plan.id

    def test_query_caseplans_by_id_filter(self, cm, config):
        a = cm.post_casemanagement_caseplans(config.caseplan_create())
        b = cm.post_casemanagement_caseplans(config.caseplan_create())
        cm.post_casemanagement_caseplans(config.caseplan_create())
        listing = cm.post_casemanagement_caseplans_query(model(gc.CaseplanQueryRequest, filters=[
            model(gc.CaseplanFilter, name="id", operator="IN", values=[a.id, b.id])], page_size=25))
        assert isinstance(listing, gc.CaseplanQueryEntityListing)
        assert {c.id for c in listing.entities} == {a.id, b.id}

    def test_query_caseplans_by_name(self, cm, config):
        """CaseplanQueryRequest.name: case-insensitive name search, BEGINS_WITH by default."""
        stem = unique("Findable")
        a = cm.post_casemanagement_caseplans(config.caseplan_create(name=stem + " one"))
        b = cm.post_casemanagement_caseplans(config.caseplan_create(name=stem + " two"))
        listing = cm.post_casemanagement_caseplans_query(model(gc.CaseplanQueryRequest, name=stem.lower(),
                                                               page_size=25))
        assert {c.id for c in listing.entities} == {a.id, b.id}
        listing = cm.post_casemanagement_caseplans_query(model(gc.CaseplanQueryRequest, name=" two",
                                                               name_search_type="CONTAINS", page_size=200))
        assert b.id in {c.id for c in listing.entities} and a.id not in {c.id for c in listing.entities}


    def test_list_caseplans_in_pages(self, cm, config):
        made = {cm.post_casemanagement_caseplans(config.caseplan_create()).id for _ in range(3)}
        first = cm.get_casemanagement_caseplans(page_size=2)
        assert len(first.entities) == 2, "pageSize bounds the page"
        assert first.next_uri, "a further page is announced in nextUri"
        seen = [c.id for c in first.entities]
        page = first
        while page.next_uri:
            after = parse_qs(urlparse(page.next_uri).query).get("after", [None])[0]
            assert after, page.next_uri
            page = cm.get_casemanagement_caseplans(page_size=2, after=after)
            assert 1 <= len(page.entities) <= 2
            seen.extend(c.id for c in page.entities)
        assert len(seen) == len(set(seen)), "a caseplan appeared on two pages"
        assert made <= set(seen)

    def test_stageplans_and_stepplans_name_the_caseplan_version(self, cm, plan):
        """Stageplan.caseplan and Stepplan.caseplan are CaseplanReferences, which carry the version."""
        cm.post_casemanagement_caseplan_versions(plan.id)
        for version in ("1", "2"):
            sp = cm.get_casemanagement_caseplan_version_stageplans(plan.id, version).entities[0]
            assert sp.caseplan.id == plan.id
            assert sp.caseplan.version == int(version), sp.caseplan
            st = cm.get_casemanagement_caseplan_version_stageplan_stepplans(plan.id, version, sp.id).entities[0]
            assert st.caseplan.id == plan.id
            assert st.caseplan.version == int(version), st.caseplan

# =========================================================================== cases


class TestCases:
    def test_create_case(self, cm, tm, plan, make_user, make_contact):
        owner, _, _ = make_user()
        contact = make_contact()
        conversation_id = str(uuid.uuid4())
        summary = unique("Broken parcel")
        created = new_case(cm, plan, summary=summary, description="arrived crushed",
                           data={"order_id_identifier": "ORD-77", "amount_number": 19.5, "reason_enum": "damaged"},
                           external_contact_id=contact.id, conversation_id=conversation_id, owner_id=owner.id)
        assert created.id
        assert created.reference == f"{plan.prefix}-000001"
        assert created.status == "InProgress"
        assert created.summary == summary
        assert created.description == "arrived crushed"
        assert created.caseplan.id == plan.id
        assert created.caseplan.version == 1
        assert created.owner is not None and created.owner.id == owner.id
        assert created.external_contact is not None and created.external_contact.id == contact.id
        assert created.priority in PRIORITIES
        assert created.division is not None and created.division.id == plan.created.division.id
        assert created.date_created is not None and created.date_started is not None
        assert created.date_closed is None
        assert created.date_due is not None
        assert close_to(created.date_due, aware(created.date_created) + timedelta(seconds=3 * 86400)), \
            "dateDue defaults to the caseplan's defaultDueDurationInSeconds"
        assert isinstance(created.version, int) and created.version >= 1
        assert created.self_uri.endswith("/api/v2/casemanagement/cases/" + created.id)

        got = cm.get_casemanagement_case(created.id)
        assert (got.id, got.reference, got.status, got.summary, got.caseplan.id, got.caseplan.version) == (
            created.id, created.reference, "InProgress", summary, plan.id, 1)

        second = new_case(cm, plan)
        third = new_case(cm, plan)
        assert (second.reference, third.reference) == (f"{plan.prefix}-000002", f"{plan.prefix}-000003"), \
            "references are sequential per caseplan"

    def test_unknown_case_is_404(self, cm):
        expect_api_error(404, cm.get_casemanagement_case, MISSING_ID)
        expect_api_error(404, cm.get_casemanagement_case_stages, MISSING_ID)
        expect_api_error(404, cm.get_casemanagement_cases_reference, "NOPE-000001")

    def test_first_stage_workitem_carries_the_intake(self, cm, tm, plan):
        data = {"order_id_identifier": "ORD-5", "amount_number": 42, "reason_enum": "late"}
        created = new_case(cm, plan, data=data)
        stages = stages_of(cm, created.id)
        assert [s.name for s in stages] == ["Capture", "Review", "Finish"]
        assert [s.status for s in stages] == ["InProgress", "Open", "Open"]
        assert all(s.case.id == created.id for s in stages)
        assert stages[0].date_started is not None and stages[0].date_completed is None
        one = cm.get_casemanagement_case_stage(created.id, stages[0].id)
        assert isinstance(one, gc.Stage) and one.id == stages[0].id and one.status == "InProgress"

        step = step_of(cm, created.id, stages[0].id)
        assert isinstance(step, gc.Step)
        assert step.status == "InProgress"
        assert step.stage.id == stages[0].id
        assert step.workitem_activity is not None
        same = cm.get_casemanagement_case_stage_step(created.id, stages[0].id, step.id)
        assert same.workitem_activity.id == step.workitem_activity.id
        # Stages not started yet have no workitem.
        assert step_of(cm, created.id, stages[1].id).workitem_activity is None

        item = tm.get_taskmanagement_workitem(step.workitem_activity.id)
        assert item.type.id == plan.worktypes[0].id
        assert item.custom_fields == data
        assert item.status_category != "Closed"
        assert item.external_contact is None
        # The engine's workitem is found by the case it works for.
        assert [w.id for w in workitems_of_case(tm, created.id)] == [item.id]

    def test_stage_and_step_models(self, cm, plan):
        created = new_case(cm, plan)
        for stage in stages_of(cm, created.id):
            assert stage.id and stage.name and stage.status and stage.version >= 1
            assert stage.date_created is not None, f"Stage.dateCreated missing: {stage}"
            assert stage.date_modified is not None
            step = step_of(cm, created.id, stage.id)
            assert step.id and step.name and step.status and step.version >= 1
            assert step.case.id == created.id
            assert step.date_created is not None, f"Step.dateCreated missing: {step}"
            assert step.date_modified is not None

    @pytest.mark.parametrize("data, fragment", [
        ({"amount_number": 3}, "order_id_identifier"),                               # required, missing
        ({"order_id_identifier": None}, "order_id_identifier"),                      # required, null
        ({"order_id_identifier": "ORD-1", "amount_number": "lots"}, "amount_number"),  # wrong type
        ({"order_id_identifier": "ORD-1", "reason_enum": "bored"}, "reason_enum"),    # not an enum value
        ({"order_id_identifier": "ORD-1", "note_text": "hi"}, "note_text"),          # not an intake field
        ({"order_id_identifier": "ORD-1", "bogus_text": "x"}, "bogus_text"),          # unknown property
    ])
    def test_intake_is_validated_and_no_case_is_created(self, cm, tm, plan, data, fragment):
        expect_error_naming(400, fragment, cm.post_casemanagement_cases, model(
            gc.CaseCreate, caseplan_id=plan.id, summary=unique("Refused"), intake=intake(**data)))
        expect_api_error(404, cm.get_casemanagement_cases_reference, f"{plan.prefix}-000001")
        # A refused case takes no reference number.
        assert new_case(cm, plan).reference == f"{plan.prefix}-000001"

    def test_other_create_errors(self, cm, config, plan):
        expect_field_error(400, "summary", cm.post_casemanagement_cases, unchecked(
            gc.CaseCreate, caseplan_id=plan.id, summary="ab", intake=intake(order_id_identifier="A")))
        expect_field_error(400, "caseplanId", cm.post_casemanagement_cases, model(
            gc.CaseCreate, caseplan_id=str(uuid.uuid4()), summary=unique("Nowhere"),
            intake=intake(order_id_identifier="A")))
        draft = config.plan(publish=False)
        expect_field_error(400, "caseplanId", cm.post_casemanagement_cases, model(
            gc.CaseCreate, caseplan_id=draft.id, summary=unique("Draft"), intake=intake(order_id_identifier="A")))
        expect_field_error(400, "ownerId", cm.post_casemanagement_cases, model(
            gc.CaseCreate, caseplan_id=plan.id, summary=unique("No owner"), intake=intake(order_id_identifier="A"),
            owner_id=str(uuid.uuid4())))
        assert new_case(cm, plan).reference == f"{plan.prefix}-000001"

    def test_stages_run_in_order_and_carry_the_data(self, cm, tm, plan):
        created = new_case(cm, plan, data={"order_id_identifier": "ORD-9", "amount_number": 10})
        first = stage_workitem(cm, tm, created.id, 0)

        # A status change that does not close the workitem does not move the case.
        in_progress = next(s.id for s in plan.worktypes[0].statuses if s.category == "InProgress")
        tm.patch_taskmanagement_workitem(first.id, model(gc.WorkitemUpdate, status_id=in_progress))
        assert [s.status for s in stages_of(cm, created.id)] == ["InProgress", "Open", "Open"]

        # Fields recorded on stage 1's workitem become case data.
        finish_stage(cm, tm, created.id, 0, plan, fields={"amount_number": 12.5})
        stages = stages_of(cm, created.id)
        assert [s.status for s in stages] == ["Completed", "InProgress", "Open"]
        assert stages[0].date_completed is not None
        assert step_of(cm, created.id, stages[0].id).status == "Completed"
        second = stage_workitem(cm, tm, created.id, 1)
        assert second.id != first.id
        assert second.type.id == plan.worktypes[1].id
        assert second.custom_fields == {"order_id_identifier": "ORD-9", "amount_number": 12.5}
        case = cm.get_casemanagement_case(created.id)
        assert case.status == "InProgress" and case.date_closed is None

        finish_stage(cm, tm, created.id, 1, plan, fields={"note_text": "checked by QA", "checked_checkbox": True})
        third = stage_workitem(cm, tm, created.id, 2)
        assert third.type.id == plan.worktypes[2].id
        assert third.custom_fields == {"order_id_identifier": "ORD-9", "amount_number": 12.5,
                                       "note_text": "checked by QA", "checked_checkbox": True}
        assert [s.status for s in stages_of(cm, created.id)] == ["Completed", "Completed", "InProgress"]

        finish_stage(cm, tm, created.id, 2, plan)
        closed = cm.get_casemanagement_case(created.id)
        assert closed.status == "Closed"
        assert closed.date_closed is not None
        assert aware(closed.date_closed) >= aware(closed.date_created)
        assert [s.status for s in stages_of(cm, created.id)] == ["Completed"] * 3
        ids = {w.id for w in workitems_of_case(tm, created.id)}
        assert ids == {first.id, second.id, third.id}
        # Reopening a closed stage's workitem does not reopen the case.
        open_status = next(s.id for s in plan.worktypes[2].statuses if s.category == "Open")
        tm.patch_taskmanagement_workitem(third.id, model(gc.WorkitemUpdate, status_id=open_status))
        assert cm.get_casemanagement_case(created.id).status == "Closed"

    def test_get_by_reference_is_case_insensitive(self, cm, plan):
        created = new_case(cm, plan)
        for reference in (created.reference, created.reference.lower(), created.reference.title()):
            got = cm.get_casemanagement_cases_reference(reference)
            assert isinstance(got, gc.Case)
            assert (got.id, got.reference) == (created.id, created.reference)
        expect_api_error(404, cm.get_casemanagement_cases_reference, f"{plan.prefix}-999999")

    def test_cases_of_an_external_contact(self, cm, plan, make_contact):
        contact = make_contact()
        other = make_contact()
        a = new_case(cm, plan, external_contact_id=contact.id)
        b = new_case(cm, plan, external_contact_id=contact.id)
        new_case(cm, plan, external_contact_id=other.id)
        new_case(cm, plan)
        listing = cm.get_casemanagement_cases_externalcontact(contact.id)
        assert isinstance(listing, gc.CaseListing)
        assert {c.id for c in listing.entities} == {a.id, b.id}
        assert all(c.external_contact.id == contact.id for c in listing.entities)
        paged = cm.get_casemanagement_cases_externalcontact(contact.id, page_size=1)
        assert len(paged.entities) == 1
        assert paged.next_uri
        nobody = cm.get_casemanagement_cases_externalcontact(str(uuid.uuid4()))
        assert nobody.entities in ([], None)

    def test_stage_workitem_gets_the_external_contact(self, cm, tm, plan, make_contact):
        contact = make_contact()
        created = new_case(cm, plan, external_contact_id=contact.id)
        item = stage_workitem(cm, tm, created.id, 0)
        assert item.external_contact is not None and item.external_contact.id == contact.id

    def test_patch_case_fields(self, cm, plan, make_user):
        created = new_case(cm, plan)
        version = created.version
        owner, _, _ = make_user()

        def bumped(case):
            nonlocal version
            assert isinstance(case, gc.Case) and case.id == created.id
            assert case.version > version, "every change makes a new version"
            version = case.version
            return case

        assert bumped(cm.patch_casemanagement_case_owner(
            created.id, model(gc.CaseOwnerUpdate, owner_id=owner.id))).owner.id == owner.id
        for p in PRIORITIES:
            assert bumped(cm.patch_casemanagement_case_priority(
                created.id, model(gc.CasePriorityUpdate, priority=p))).priority == p
        due = datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
        assert aware(bumped(cm.patch_casemanagement_case_datedue(
            created.id, model(gc.CaseDateDueUpdate, date_due=due))).date_due) == due
        assert bumped(cm.patch_casemanagement_case_summary(
            created.id, model(gc.CaseSummaryUpdate, summary="New summary"))).summary == "New summary"
        assert bumped(cm.patch_casemanagement_case_description(
            created.id, model(gc.CaseDescriptionUpdate, description="More detail"))).description == "More detail"
        assert bumped(cm.patch_casemanagement_case_externalid(
            created.id, model(gc.CaseExternalIdUpdate, external_id="CRM-42"))).external_id == "CRM-42"

        got = cm.get_casemanagement_case(created.id)
        assert (got.owner.id, got.priority, aware(got.date_due), got.summary, got.description, got.external_id) == (
            owner.id, "Low", due, "New summary", "More detail", "CRM-42")
        assert got.version == version
        assert got.modified_by is not None and got.modified_by.id

        expect_field_error(400, "priority", cm.patch_casemanagement_case_priority, created.id,
                           unchecked(gc.CasePriorityUpdate, priority="Critical"))
        expect_field_error(400, "summary", cm.patch_casemanagement_case_summary, created.id,
                           unchecked(gc.CaseSummaryUpdate, summary="ab"))
        expect_field_error(400, "externalId", cm.patch_casemanagement_case_externalid, created.id,
                           unchecked(gc.CaseExternalIdUpdate, external_id="x" * 65))
        expect_field_error(400, "description", cm.patch_casemanagement_case_description, created.id,
                           unchecked(gc.CaseDescriptionUpdate, description="x" * 513))
        expect_api_error(404, cm.patch_casemanagement_case_summary, MISSING_ID,
                         model(gc.CaseSummaryUpdate, summary="Nobody"))
        after = cm.get_casemanagement_case(created.id)
        assert (after.priority, after.summary, after.version) == ("Low", "New summary", version), \
            "refused changes change nothing"


class TestComments:
    def test_post_list_get(self, cm, plan):
        created = new_case(cm, plan)
        made = []
        for text in ("first note", "second note", "third note"):
            c = cm.post_casemanagement_case_comments(created.id, model(gc.CommentCreate, content=text))
            assert isinstance(c, gc.Comment)
            assert c.id and c.content == text
            assert c.user is not None and c.user.id
            assert c.date_created is not None
            made.append(c)

        listing = cm.get_casemanagement_case_comments(created.id)
        assert isinstance(listing, gc.CommentListing)
        assert [c.content for c in listing.entities] == ["first note", "second note", "third note"]
        desc = cm.get_casemanagement_case_comments(created.id, sort_order="desc")
        assert [c.content for c in desc.entities] == ["third note", "second note", "first note"]
        page = cm.get_casemanagement_case_comments(created.id, page_size=2)
        assert len(page.entities) == 2 and page.next_uri

        one = cm.get_casemanagement_case_comment(created.id, made[1].id)
        assert (one.id, one.content, one.user.id) == (made[1].id, "second note", made[1].user.id)
        expect_api_error(404, cm.get_casemanagement_case_comment, created.id, MISSING_ID)
        other_case = new_case(cm, plan)
        expect_api_error(404, cm.get_casemanagement_case_comment, other_case.id, made[1].id)
        assert cm.get_casemanagement_case_comments(other_case.id).entities in ([], None)

    def test_comment_content_rules(self, cm, plan):
        created = new_case(cm, plan)
        expect_field_error(400, "content", cm.post_casemanagement_case_comments, created.id,
                           unchecked(gc.CommentCreate, content=""))
        expect_field_error(400, "content", cm.post_casemanagement_case_comments, created.id,
                           unchecked(gc.CommentCreate, content="x" * 4097))
        ok = cm.post_casemanagement_case_comments(created.id, model(gc.CommentCreate, content="x" * 4096))
        assert len(ok.content) == 4096
        expect_api_error(404, cm.post_casemanagement_case_comments, MISSING_ID, model(gc.CommentCreate, content="hi"))

    def test_delete_my_comment(self, cm, plan, authz_api, make_user, user_client, home_division):
        created = new_case(cm, plan)
        author, email, _ = make_user(password=PASSWORD)
        authz_api.put_user_roles(author.id, ["agent"])
        authz_api.post_authorization_subject_division_role(author.id, home_division.id, "agent",
                                                           subject_type="PC_USER")
        someone, other_email, _ = make_user(password=PASSWORD)
        authz_api.put_user_roles(someone.id, ["agent"])
        authz_api.post_authorization_subject_division_role(someone.id, home_division.id, "agent",
                                                           subject_type="PC_USER")
        as_author = gc.CaseManagementApi(user_client(email, PASSWORD))
        as_someone = gc.CaseManagementApi(user_client(other_email, PASSWORD))

        mine = as_author.post_casemanagement_case_comments(created.id, model(gc.CommentCreate, content="mine"))
        assert mine.user.id == author.id
        keep = as_author.post_casemanagement_case_comments(created.id, model(gc.CommentCreate, content="keep"))

        # Someone else cannot delete it as their own.
        with pytest.raises(ApiException) as info:
            as_someone.delete_casemanagement_case_comments_me_comment_id(created.id, mine.id)
        assert info.value.status in (403, 404)
        error_body(info.value)
        assert cm.get_casemanagement_case_comment(created.id, mine.id).id == mine.id

        assert not as_author.delete_casemanagement_case_comments_me_comment_id(created.id, mine.id)
        expect_api_error(404, cm.get_casemanagement_case_comment, created.id, mine.id)
        assert [c.id for c in cm.get_casemanagement_case_comments(created.id).entities] == [keep.id]
        expect_api_error(404, as_author.delete_casemanagement_case_comments_me_comment_id, created.id, mine.id)


class TestAssociations:
    def test_initiation_activity_and_enquiry(self, cm, tm, plan):
        initiating = str(uuid.uuid4())
        created = new_case(cm, plan, conversation_id=initiating)
        stage1 = stages_of(cm, created.id)[0]
        item = stage_workitem(cm, tm, created.id, 0)

        listing = cm.get_casemanagement_case_associations(created.id)
        assert isinstance(listing, gc.CaseAssociationListing)
        by_type = {}
        for a in listing.entities:
            assert isinstance(a, gc.CaseAssociation)
            assert a.id and a.case.id == created.id and a.date_associated is not None
            by_type.setdefault(a.association_type, []).append(a)
        assert set(by_type) == {"Initiation", "Activity"}
        (init,) = by_type["Initiation"]
        assert init.conversation.id == initiating
        (activity,) = by_type["Activity"]
        assert activity.workitem.id == item.id
        assert activity.stage.id == stage1.id

        follow_up = str(uuid.uuid4())
        enquiry = cm.post_casemanagement_case_associations(created.id, model(gc.CaseAssociationCreate,
                                                                             conversation_id=follow_up))
        assert isinstance(enquiry, gc.CaseAssociation)
        assert enquiry.association_type == "Enquiry"
        assert enquiry.conversation.id == follow_up
        assert enquiry.case.id == created.id
        assert enquiry.stage is not None and enquiry.stage.id == stage1.id
        got = cm.get_casemanagement_case_association(created.id, enquiry.id)
        assert (got.id, got.association_type, got.conversation.id) == (enquiry.id, "Enquiry", follow_up)
        expect_api_error(404, cm.get_casemanagement_case_association, created.id, MISSING_ID)
        with pytest.raises(ApiException) as info:
            cm.post_casemanagement_case_associations(created.id, model(gc.CaseAssociationCreate,
                                                                       conversation_id=follow_up))
        assert info.value.status in (400, 409)
        error_body(info.value)

        types = [a.association_type for a in cm.get_casemanagement_case_associations(created.id).entities]
        assert sorted(types) == ["Activity", "Enquiry", "Initiation"]

        # Stage 2's workitem becomes an Activity of the case too.
        finish_stage(cm, tm, created.id, 0, plan)
        second = stage_workitem(cm, tm, created.id, 1)
        activities = [a for a in cm.get_casemanagement_case_associations(created.id).entities
                      if a.association_type == "Activity"]
        assert {a.workitem.id for a in activities} == {item.id, second.id}

    def test_query_associations_finds_the_case(self, cm, tm, plan):
        initiating = str(uuid.uuid4())
        created = new_case(cm, plan, conversation_id=initiating)
        other = new_case(cm, plan)
        follow_up = str(uuid.uuid4())
        cm.post_casemanagement_case_associations(created.id, model(gc.CaseAssociationCreate,
                                                                   conversation_id=follow_up))
        # The same follow-up conversation is also about another case.
        cm.post_casemanagement_case_associations(other.id, model(gc.CaseAssociationCreate,
                                                                 conversation_id=follow_up))

        found = cm.post_casemanagement_cases_associations_query(model(gc.CaseAssociationQuery,
                                                                      conversation_id=follow_up))
        assert isinstance(found, gc.CaseAssociationQueryEntityListing)
        assert {a.case.id for a in found.entities} == {created.id, other.id}
        assert all(a.association_type == "Enquiry" and a.conversation.id == follow_up for a in found.entities)

        found = cm.post_casemanagement_cases_associations_query(model(gc.CaseAssociationQuery,
                                                                      conversation_id=initiating))
        assert [(a.case.id, a.association_type) for a in found.entities] == [(created.id, "Initiation")]

        item = stage_workitem(cm, tm, created.id, 0)
        found = cm.post_casemanagement_cases_associations_query(model(gc.CaseAssociationQuery, workitem_id=item.id))
        assert [(a.case.id, a.association_type) for a in found.entities] == [(created.id, "Activity")]

        nothing = cm.post_casemanagement_cases_associations_query(model(gc.CaseAssociationQuery,
                                                                        conversation_id=str(uuid.uuid4())))
        assert nothing.entities in ([], None)
        expect_api_error(400, cm.post_casemanagement_cases_associations_query, model(gc.CaseAssociationQuery))

    def test_associate_a_workitem(self, cm, tm, config, plan):
        created = new_case(cm, plan)
        loose_type = config.worktype(plan.workbin, plan.schema.id)
        loose = tm.post_taskmanagement_workitems(model(gc.WorkitemCreate, name=unique("Side task"),
                                                       type_id=loose_type.id))
        a = cm.post_casemanagement_case_associations(created.id, model(gc.CaseAssociationCreate,
                                                                       workitem_id=loose.id))
        assert a.workitem.id == loose.id
        assert a.association_type in ("Activity", "Enquiry")
        found = cm.post_casemanagement_cases_associations_query(model(gc.CaseAssociationQuery, workitem_id=loose.id))
        assert [x.case.id for x in found.entities] == [created.id]
        expect_api_error(400, cm.post_casemanagement_case_associations, created.id,
                         model(gc.CaseAssociationCreate, workitem_id=str(uuid.uuid4())))
        expect_api_error(400, cm.post_casemanagement_case_associations, created.id, model(gc.CaseAssociationCreate))


class TestCaseQueryJobs:
    @pytest.fixture
    def four(self, cm, config):
        plan = config.plan(stages=("Only",))
        cases = {}
        for p in ("Low", "Urgent", "Medium", "High"):
            c = new_case(cm, plan, summary=unique(p))
            cases[p] = cm.patch_casemanagement_case_priority(c.id, model(gc.CasePriorityUpdate, priority=p))
        return plan, cases

    def test_filter_sort_and_pages(self, cm, four):
        plan, cases = four
        mine = qfilter("caseplanId", "EQ", plan.id)
        results = run_query_job(cm, filters=[mine], sort=model(gc.CaseQueryJobSort, name="priority"), page_size=25,
                                page_number=1)
        assert results.total == 4
        assert [c.priority for c in results.entities] == ["Urgent", "High", "Medium", "Low"]
        assert all(isinstance(c, gc.Case) and c.caseplan.id == plan.id for c in results.entities)
        assert {c.id for c in results.entities} == {c.id for c in cases.values()}

        ascending = run_query_job(cm, filters=[mine], sort=model(gc.CaseQueryJobSort, name="priority", ascending=True),
                                  page_size=25)
        assert [c.priority for c in ascending.entities] == ["Low", "Medium", "High", "Urgent"]

        page1 = run_query_job(cm, filters=[mine], sort=model(gc.CaseQueryJobSort, name="priority"), page_size=3,
                              page_number=1)
        page2 = run_query_job(cm, filters=[mine], sort=model(gc.CaseQueryJobSort, name="priority"), page_size=3,
                              page_number=2)
        assert (page1.total, page1.page_count, page1.page_size, page1.page_number) == (4, 2, 3, 1)
        assert (page2.total, page2.page_count, page2.page_number) == (4, 2, 2)
        assert [c.priority for c in page1.entities] == ["Urgent", "High", "Medium"]
        assert [c.priority for c in page2.entities] == ["Low"]

        high = run_query_job(cm, filters=[mine, qfilter("priority", "EQ", "High")])
        assert [c.id for c in high.entities] == [cases["High"].id]
        both = run_query_job(cm, filters=[mine, qfilter("priority", "IN", "High", "Low")])
        assert {c.id for c in both.entities} == {cases["High"].id, cases["Low"].id}
        by_ref = run_query_job(cm, filters=[qfilter("reference", "EQ", cases["Medium"].reference)])
        assert [c.id for c in by_ref.entities] == [cases["Medium"].id]
        closed = run_query_job(cm, filters=[mine, qfilter("status", "EQ", "Closed")])
        assert closed.total == 0 and closed.entities in ([], None)

    def test_closed_cases_are_found_by_status(self, cm, tm, four):
        plan, cases = four
        finish_stage(cm, tm, cases["High"].id, 0, plan)
        mine = qfilter("caseplanId", "EQ", plan.id)
        closed = run_query_job(cm, filters=[mine, qfilter("status", "EQ", "Closed")])
        assert [c.id for c in closed.entities] == [cases["High"].id]
        assert closed.entities[0].status == "Closed"
        running = run_query_job(cm, filters=[mine, qfilter("status", "EQ", "InProgress")])
        assert running.total == 3

    def test_invalid_queries_are_400(self, cm):
        expect_field_error(400, "filters[0].name", cm.post_casemanagement_cases_query_jobs, model(
            gc.CaseQueryJobCreate, filters=[qfilter("shoeSize", "EQ", "9")]))
        expect_field_error(400, "filters[0].values", cm.post_casemanagement_cases_query_jobs, model(
            gc.CaseQueryJobCreate, filters=[qfilter("priority", "EQ", "Critical")]))
        expect_field_error(400, "pageSize", cm.post_casemanagement_cases_query_jobs, unchecked(
            gc.CaseQueryJobCreate, filters=[], page_size=201))
        expect_api_error(404, cm.get_casemanagement_cases_query_job, MISSING_ID)


class TestTerminate:
    def test_terminate_job(self, cm, tm, plan):
        created = new_case(cm, plan)
        finish_stage(cm, tm, created.id, 0, plan)
        open_item = stage_workitem(cm, tm, created.id, 1)

        job = cm.post_casemanagement_case_terminate_jobs(created.id)
        assert isinstance(job, gc.TerminateJob)
        assert job.id
        assert job.job_type == "Terminate"
        assert job.status in ("Queued", "InProgress", "Succeeded")
        done = wait_for(lambda: cm.get_casemanagement_case_terminate_job(created.id, job.id),
                        lambda j: j.status in ("Succeeded", "Failed"), f"terminate job {job.id}")
        assert done.status == "Succeeded", done
        assert done.id == job.id and done.job_type == "Terminate"

        case = cm.get_casemanagement_case(created.id)
        assert case.status == "Terminated"
        assert case.date_closed is not None
        assert [s.status for s in stages_of(cm, created.id)] == ["Completed", "Terminated", "Terminated"]

        item = tm.get_taskmanagement_workitem(open_item.id)
        assert item.assignment_state == "Terminated"
        assert item.date_closed is not None
        expect_api_error(400, tm.patch_taskmanagement_workitem, item.id, model(
            gc.WorkitemUpdate, status_id=plan.closed_status[item.type.id]))
        assert cm.get_casemanagement_case(created.id).status == "Terminated"
        # No stage 3 was started.
        assert len(workitems_of_case(tm, created.id)) == 2

        expect_field_error(400, "caseId", cm.post_casemanagement_case_terminate_jobs, created.id)
        other = new_case(cm, plan)
        expect_api_error(404, cm.get_casemanagement_case_terminate_job, other.id, job.id)
        expect_api_error(404, cm.post_casemanagement_case_terminate_jobs, MISSING_ID)

    def test_closed_case_cannot_be_terminated(self, cm, tm, config):
        plan = config.plan(stages=("Only",))
        created = new_case(cm, plan)
        finish_stage(cm, tm, created.id, 0, plan)
        assert cm.get_casemanagement_case(created.id).status == "Closed"
        expect_api_error(400, cm.post_casemanagement_case_terminate_jobs, created.id)


class TestCaseIsolation:
    def test_cases_of_another_division_are_invisible(self, cm, config, authz_api, make_user, user_client,
                                                     home_division):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Cases elsewhere")))
        plan = config.plan(stages=("Only",), division_id=division.id)
        created = new_case(cm, plan)
        assert created.division.id == division.id
        agent, email, _ = make_user(password=PASSWORD)
        authz_api.put_user_roles(agent.id, ["agent"])
        authz_api.post_authorization_subject_division_role(agent.id, home_division.id, "agent",
                                                           subject_type="PC_USER")
        as_agent = gc.CaseManagementApi(user_client(email, PASSWORD))

        for call, args in ((as_agent.get_casemanagement_case, (created.id,)),
                           (as_agent.get_casemanagement_cases_reference, (created.reference,)),
                           (as_agent.get_casemanagement_case_stages, (created.id,))):
            with pytest.raises(ApiException) as info:
                call(*args)
            assert info.value.status in (403, 404), (call.__name__, info.value.status)
            error_body(info.value)
        with pytest.raises(ApiException) as info:
            as_agent.post_casemanagement_cases(model(gc.CaseCreate, caseplan_id=plan.id, summary=unique("Nope"),
                                                     intake=intake(order_id_identifier="A")))
        assert info.value.status in (400, 403, 404)
        hidden = run_query_job(as_agent, filters=[qfilter("caseplanId", "EQ", plan.id)])
        assert hidden.total == 0 and hidden.entities in ([], None)

        authz_api.post_authorization_subject_division_role(agent.id, division.id, "agent", subject_type="PC_USER")
        as_agent = gc.CaseManagementApi(user_client(email, PASSWORD))
        assert as_agent.get_casemanagement_case(created.id).id == created.id
        seen = run_query_job(as_agent, filters=[qfilter("caseplanId", "EQ", plan.id)])
        assert [c.id for c in seen.entities] == [created.id]


# =========================================================================== versioning


class TestVersioning:
    def test_cases_keep_the_version_they_started_on(self, cm, tm, config):
        plan = config.plan(stages=("One", "Two", "Three"))
        on_v1 = new_case(cm, plan, summary=unique("On v1"))
        assert on_v1.caseplan.version == 1

        draft = cm.post_casemanagement_caseplan_versions(plan.id)
        assert draft.latest == 2
        v2_stages = cm.get_casemanagement_caseplan_version_stageplans(plan.id, "2").entities
        assert len(v2_stages) == 3
        cm.delete_casemanagement_caseplan_stageplan(plan.id, v2_stages[1].id)
        cm.patch_casemanagement_caseplan_stageplan(plan.id, v2_stages[2].id, model(gc.StageplanUpdate, name="Wrap up"))
        # While v2 is a draft, new cases still use v1.
        still_v1 = new_case(cm, plan, summary=unique("Still v1"))
        assert still_v1.caseplan.version == 1
        assert len(stages_of(cm, still_v1.id)) == 3

        published = cm.post_casemanagement_caseplan_publish(plan.id)
        assert (published.published, published.latest) == (2, 2)
        assert [s.name for s in cm.get_casemanagement_caseplan_version_stageplans(plan.id, "1").entities] == [
            "One", "Two", "Three"]
        assert [s.name for s in cm.get_casemanagement_caseplan_version_stageplans(plan.id, "2").entities] == [
            "One", "Wrap up"]

        on_v2 = new_case(cm, plan, summary=unique("On v2"))
        assert on_v2.caseplan.version == 2
        assert on_v2.reference == f"{plan.prefix}-000003", "references continue across versions"
        assert [s.name for s in stages_of(cm, on_v2.id)] == ["One", "Wrap up"]

        # The v1 case runs its three v1 stages to the end.
        assert cm.get_casemanagement_case(on_v1.id).caseplan.version == 1
        for i in range(3):
            assert [s.name for s in stages_of(cm, on_v1.id)] == ["One", "Two", "Three"]
            finish_stage(cm, tm, on_v1.id, i, plan)
        done_v1 = cm.get_casemanagement_case(on_v1.id)
        assert (done_v1.status, done_v1.caseplan.version) == ("Closed", 1)
        assert len(workitems_of_case(tm, on_v1.id)) == 3

        # The v2 case is done after two stages, the second on stage Three's worktype.
        finish_stage(cm, tm, on_v2.id, 0, plan)
        second = stage_workitem(cm, tm, on_v2.id, 1)
        assert second.type.id == plan.worktypes[2].id
        finish_stage(cm, tm, on_v2.id, 1, plan)
        done_v2 = cm.get_casemanagement_case(on_v2.id)
        assert (done_v2.status, done_v2.caseplan.version) == ("Closed", 2)
        assert len(workitems_of_case(tm, on_v2.id)) == 2


# =========================================================================== seed scenarios


REFUND_PROPERTIES = {
    "order_id_identifier": attr("identifier", title="Order id", minLength=1, maxLength=30),
    "amount_number": attr("number", title="Amount", minimum=0, maximum=100000),
    "reason_enum": enum_attr("damaged", "late", "wrong_item", "other", title="Reason"),
    "customer_email_text": attr("text", title="Customer email", maxLength=100),
    "decision_enum": enum_attr("approved", "rejected", title="Decision"),
}

ESCALATION_PROPERTIES = {
    "customer_id_identifier": attr("identifier", title="Customer id", minLength=1, maxLength=30),
    "channel_enum": enum_attr("phone", "email", "chat", "social", title="Channel"),
    "issue_type_enum": enum_attr("billing", "service", "product", "complaint", title="Issue type"),
    "reason_for_escalation_longtext": attr("longtext", title="Reason for escalation", maxLength=1000),
    "date_raised_date": attr("date", title="Date raised"),
    "proposed_resolution_longtext": attr("longtext", title="Proposed resolution", maxLength=1000),
    "escalation_valid_checkbox": attr("checkbox", title="Escalation valid"),
    "external_review_approval_checkbox": attr("checkbox", title="External review approval"),
    "agent_approval_checkbox": attr("checkbox", title="Agent approval"),
    "reason_for_invalidity_text": attr("text", title="Reason for invalidity", maxLength=100),
    "agent_notes_longtext": attr("longtext", title="Agent notes", maxLength=1000),
}


class TestSeedScenarios:
    def test_refund_management(self, cm, tm, config, make_contact):
        plan = config.plan(
            name="Refund management " + uuid.uuid4().hex[:6],
            stages=("Capture details", "Approve refund", "Notify customer"),
            properties=REFUND_PROPERTIES,
            intake=[("order_id_identifier", True), ("amount_number", False), ("reason_enum", False),
                    ("customer_email_text", False)])
        assert [s.name for s in cm.get_casemanagement_caseplan_version_stageplans(plan.id, "1").entities] == [
            "Capture details", "Approve refund", "Notify customer"]
        assert [s.pcProperty for s in plan.created.intake_settings] == [
            "order_id_identifier", "amount_number", "reason_enum", "customer_email_text"]

        contact = make_contact()
        data = {"order_id_identifier": "ORD-20001", "amount_number": 59.99, "reason_enum": "wrong_item",
                "customer_email_text": "buyer@example.com"}
        # The decision is made in the approval stage, not at intake.
        expect_error_naming(400, "decision_enum", cm.post_casemanagement_cases, model(
            gc.CaseCreate, caseplan_id=plan.id, summary="Refund for ORD-20001",
            intake=intake(**data, decision_enum="approved")))
        case = cm.post_casemanagement_cases(model(
            gc.CaseCreate, caseplan_id=plan.id, summary="Refund for ORD-20001", intake=intake(**data),
            external_contact_id=contact.id, conversation_id=str(uuid.uuid4())))
        assert case.reference == f"{plan.prefix}-000001"
        assert case.status == "InProgress"

        # Capture details: the agent corrects the amount.
        capture = stage_workitem(cm, tm, case.id, 0)
        assert capture.custom_fields == data
        assert capture.external_contact.id == contact.id
        finish_stage(cm, tm, case.id, 0, plan, fields={"amount_number": 49.99})

        # Approve refund: the decision is one of the enum's values.
        approve = stage_workitem(cm, tm, case.id, 1)
        assert approve.custom_fields == {**data, "amount_number": 49.99}
        body = expect_api_error(400, tm.patch_taskmanagement_workitem, approve.id,
                                model(gc.WorkitemUpdate, custom_fields={"decision_enum": "maybe"}))
        assert "decision_enum" in (field_of(body) or "")
        finish_stage(cm, tm, case.id, 1, plan, fields={"decision_enum": "approved"})

        # Notify customer: everything decided so far is on the workitem.
        notify = stage_workitem(cm, tm, case.id, 2)
        assert notify.custom_fields == {**data, "amount_number": 49.99, "decision_enum": "approved"}
        cm.post_casemanagement_case_comments(case.id, model(gc.CommentCreate, content="Customer emailed"))
        finish_stage(cm, tm, case.id, 2, plan)

        closed = cm.get_casemanagement_cases_reference(case.reference.lower())
        assert closed.id == case.id
        assert closed.status == "Closed" and closed.date_closed is not None
        assert [s.status for s in stages_of(cm, case.id)] == ["Completed"] * 3
        assert [c.id for c in cm.get_casemanagement_cases_externalcontact(contact.id).entities] == [case.id]
        types = sorted(a.association_type for a in cm.get_casemanagement_case_associations(case.id).entities)
        assert types == ["Activity", "Activity", "Activity", "Initiation"]

    def test_customer_care_escalation(self, cm, tm, config, authz_api):
        back_office = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Back office")))
        plan = config.plan(
            name="Customer care escalation " + uuid.uuid4().hex[:6],
            stages=("Escalation review", "Approve remediation", "Outbound notification"),
            properties=ESCALATION_PROPERTIES,
            intake=[("customer_id_identifier", True), ("channel_enum", True), ("issue_type_enum", False),
                    ("reason_for_escalation_longtext", False), ("date_raised_date", False)],
            division_id=back_office.id)
        assert plan.published.division.id == back_office.id

        data = {"customer_id_identifier": "CUST-00500", "channel_enum": "phone", "issue_type_enum": "billing",
                "reason_for_escalation_longtext": "The first answer did not solve the problem",
                "date_raised_date": "2026-11-03"}
        refused = [
            ({k: v for k, v in data.items() if k != "channel_enum"}, "channel_enum"),
            ({**data, "channel_enum": "fax"}, "channel_enum"),
            ({**data, "date_raised_date": "03/11/2026"}, "date_raised_date"),
            ({**data, "agent_notes_longtext": "too early"}, "agent_notes_longtext"),
        ]
        for bad, fragment in refused:
            expect_error_naming(400, fragment, cm.post_casemanagement_cases, model(
                gc.CaseCreate, caseplan_id=plan.id, summary="Escalation CUST-00500", intake=intake(**bad)))

        case = cm.post_casemanagement_cases(model(
            gc.CaseCreate, caseplan_id=plan.id, summary="Escalation CUST-00500", intake=intake(**data)))
        assert case.reference == f"{plan.prefix}-000001"
        assert case.division.id == back_office.id

        review = stage_workitem(cm, tm, case.id, 0)
        assert review.custom_fields == data
        assert review.division is None or review.division.id == back_office.id
        reviewed = {"escalation_valid_checkbox": True,
                    "proposed_resolution_longtext": "Refund the last invoice and apologise",
                    "agent_notes_longtext": "Reviewed the call recording"}
        finish_stage(cm, tm, case.id, 0, plan, fields=reviewed)

        approve = stage_workitem(cm, tm, case.id, 1)
        assert approve.custom_fields == {**data, **reviewed}
        approved = {"external_review_approval_checkbox": True, "agent_approval_checkbox": True}
        finish_stage(cm, tm, case.id, 1, plan, fields=approved)

        notify = stage_workitem(cm, tm, case.id, 2)
        assert notify.custom_fields == {**data, **reviewed, **approved}
        assert "reason_for_invalidity_text" not in notify.custom_fields
        finish_stage(cm, tm, case.id, 2, plan)

        closed = cm.get_casemanagement_case(case.id)
        assert closed.status == "Closed" and closed.date_closed is not None
        assert [s.status for s in stages_of(cm, case.id)] == ["Completed"] * 3

        # An invalid escalation: recorded as such in review, then the case is terminated.
        invalid = cm.post_casemanagement_cases(model(
            gc.CaseCreate, caseplan_id=plan.id, summary="Escalation CUST-00501",
            intake=intake(customer_id_identifier="CUST-00501", channel_enum="chat")))
        assert invalid.reference == f"{plan.prefix}-000002", "refused intakes took no number"
        review = stage_workitem(cm, tm, invalid.id, 0)
        tm.patch_taskmanagement_workitem(review.id, model(gc.WorkitemUpdate, custom_fields={
            "escalation_valid_checkbox": False, "reason_for_invalidity_text": "Already resolved"}))
        job = cm.post_casemanagement_case_terminate_jobs(invalid.id)
        done = wait_for(lambda: cm.get_casemanagement_case_terminate_job(invalid.id, job.id),
                        lambda j: j.status in ("Succeeded", "Failed"), "terminate job")
        assert done.status == "Succeeded"
        terminated = cm.get_casemanagement_case(invalid.id)
        assert terminated.status == "Terminated"
        assert tm.get_taskmanagement_workitem(review.id).assignment_state == "Terminated"

        mine = qfilter("caseplanId", "EQ", plan.id)
        everything = run_query_job(cm, filters=[mine], sort=model(gc.CaseQueryJobSort, name="dateCreated",
                                                                  ascending=True))
        assert [(c.reference, c.status) for c in everything.entities] == [
            (case.reference, "Closed"), (invalid.reference, "Terminated")]
