"""Task management compatibility: schemas, workbins, worktypes with statuses, workitems (custom
fields, transitions, queries, history, versions, ETags), query and bulk jobs, external contacts
and customer intents, driven through the unchanged Genesys Cloud Python SDK
(PureCloudPlatformClientV2 269.0.0).

Every test asserts on what comes back (model fields, HTTP status, ErrorBody with the field it
names in messageParams). The server is shared by the session, so tests make their own objects
with unique names, put the workitems they count in a workbin of their own, and count listings by
difference. Raw HTTP is used only where the SDK cannot reach: response headers (ETag), request
headers (If-Match) and casefile's extra `caseId` on workitem creation.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from helpers import error_body, expect_api_error, http_request, model, unique

DRAFT_04 = "http://json-schema.org/draft-04/schema#"
CORE_TYPES = {"text", "longtext", "url", "identifier", "enum", "tag", "date", "datetime", "integer", "number",
              "checkbox"}
CATEGORIES = {"Open", "InProgress", "Waiting", "Closed"}
MISSING_ID = "00000000-0000-0000-0000-00000000d00d"
JOB_TIMEOUT_S = 30.0


# =========================================================================== helpers


def ref(core_type: str, **extra) -> dict:
    """A custom attribute built on a core type, as Genesys schemas write them."""
    return {"allOf": [{"$ref": f"#/definitions/{core_type}"}], **extra}


def every_core_type_properties() -> dict:
    """One attribute of each of the 11 core types, with the constraints each one takes."""
    return {
        "order_id_identifier": ref("identifier", title="Order", minLength=1, maxLength=20),
        "summary_text": ref("text", title="Summary", minLength=2, maxLength=10),
        "notes_longtext": ref("longtext", title="Notes", maxLength=50),
        "link_url": ref("url", title="Link", maxLength=100),
        "reason_enum": ref("enum", title="Reason", enum=["damaged", "late", "other"], _enumProperties={
            "damaged": {"title": "Damaged", "_disabled": False},
            "late": {"title": "Late", "_disabled": False},
            "other": {"title": "Other", "_disabled": True},
        }),
        "labels_tag": ref("tag", title="Labels", minItems=0, maxItems=3, uniqueItems=True,
                          items={"minLength": 1, "maxLength": 10}),
        "due_date": ref("date", title="Due"),
        "seen_datetime": ref("datetime", title="Seen"),
        "count_integer": ref("integer", title="Count", minimum=0, maximum=100),
        "amount_number": ref("number", title="Amount", minimum=0, maximum=10000),
        "approved_checkbox": ref("checkbox", title="Approved"),
    }


def json_schema(properties: dict, required: list[str] | None = None, title: str = "Compat schema"):
    return model(gc.JsonSchemaDocument, schema=DRAFT_04, title=title, description="made by the compat suite",
                 type="object", properties=properties, required=required or [], additional_properties=False)


def unchecked(cls, **attrs):
    """An SDK model holding values its setters would refuse client-side (the server must refuse them too)."""
    obj = cls()
    for k, v in attrs.items():
        setattr(obj, "_" + k, v)
    return obj


def field_of(body: dict) -> str | None:
    return (body.get("messageParams") or {}).get("field")


def expect_field_error(status: int, field: str, fn, *args, **kwargs) -> dict:
    """An ApiException with this status whose ErrorBody names `field` in messageParams.field."""
    body = expect_api_error(status, fn, *args, **kwargs)
    assert field_of(body) == field, f"expected the error to name {field!r}: {body}"
    return body


def wfilter(name: str, operator: str, *values, type: str | None = None):
    f = model(gc.WorkitemFilter, name=name, operator=operator, values=[str(v) for v in values])
    if type is not None:
        f.type = type
    return f


def by_category(statuses) -> dict:
    return {s.category: s for s in statuses}


def aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class Raw:
    """Authenticated raw JSON requests for what the SDK does not expose (headers, extra fields)."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token

    def __call__(self, method: str, path: str, body=None, headers: dict | None = None):
        h = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        data = None
        if body is not None:
            h["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        h.update(headers or {})
        return http_request(method, self.base_url + path, headers=h, data=data)


def wait_for_job(fetch, job_id: str, done=("Succeeded", "Failed", "Cancelled", "Terminated")):
    """Polls a job with the SDK until it reaches a final state; returns the last job seen."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    job = fetch(job_id)
    while job.state not in done:
        assert time.monotonic() < deadline, f"job {job_id} still {job.state} after {JOB_TIMEOUT_S:.0f} s"
        time.sleep(0.2)
        job = fetch(job_id)
    return job


# =========================================================================== fixtures


@pytest.fixture
def tm(admin_client):
    return gc.TaskManagementApi(admin_client)


@pytest.fixture
def raw(server, admin_client):
    return Raw(server.base_url, admin_client.access_token)


@pytest.fixture
def make_schema(tm):
    def make(properties: dict | None = None, required: list[str] | None = None, name: str | None = None):
        props = every_core_type_properties() if properties is None else properties
        req = ["order_id_identifier"] if properties is None and required is None else (required or [])
        created = tm.post_taskmanagement_workitems_schemas(
            model(gc.DataSchema, name=name or unique("Schema")[:50], json_schema=json_schema(props, req)))
        assert isinstance(created, gc.DataSchema)
        return created

    return make


@pytest.fixture
def make_workbin(tm):
    def make(name: str | None = None, **extra):
        created = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=name or unique("Workbin"), **extra))
        assert isinstance(created, gc.Workbin)
        return created

    return make


@pytest.fixture
def make_worktype(tm, make_workbin):
    def make(workbin=None, **extra):
        wb = workbin or make_workbin()
        created = tm.post_taskmanagement_worktypes(
            model(gc.WorktypeCreate, name=unique("Worktype"), default_workbin_id=wb.id, **extra))
        assert isinstance(created, gc.Worktype)
        return created

    return make


@pytest.fixture
def make_workitem(tm):
    def make(worktype, name: str | None = None, **extra):
        created = tm.post_taskmanagement_workitems(
            model(gc.WorkitemCreate, name=name or unique("Workitem"), type_id=worktype.id, **extra))
        assert isinstance(created, gc.Workitem)
        return created

    return make


@pytest.fixture
def refund(make_schema, make_workbin, make_worktype):
    """A workbin of its own, the every-core-type schema and a worktype with defaults using it."""
    schema = make_schema()
    workbin = make_workbin()
    worktype = make_worktype(workbin, schema_id=schema.id, default_priority=7, default_due_duration_seconds=86400,
                             default_duration_seconds=600, default_expiration_seconds=30 * 86400,
                             description="refund requests")
    return {"schema": schema, "workbin": workbin, "worktype": worktype,
            "status": by_category(worktype.statuses)}


def valid_fields(**override) -> dict:
    fields = {
        "order_id_identifier": "A-1",
        "summary_text": "refund",
        "notes_longtext": "the parcel arrived broken",
        "link_url": "https://example.com/orders/A-1",
        "reason_enum": "damaged",
        "labels_tag": ["vip", "fragile"],
        "due_date": "2026-01-02",
        "seen_datetime": "2026-01-02T03:04:05.000Z",
        "count_integer": 3,
        "amount_number": 12.5,
        "approved_checkbox": True,
    }
    fields.update(override)
    return {k: v for k, v in fields.items() if v is not None}


# =========================================================================== core types and limits


class TestCoreTypesAndLimits:
    def test_list_core_types(self, tm):
        listing = tm.get_taskmanagement_workitems_schemas_coretypes()
        assert isinstance(listing, gc.CoretypeListing)
        names = {c.name for c in listing.entities}
        assert names == CORE_TYPES
        assert listing.total == len(listing.entities) == 11
        by_name = {c.name: c for c in listing.entities}
        for name, core in by_name.items():
            assert isinstance(core, gc.Coretype)
            assert core.version >= 1
            assert core.current is True
            assert core.schema is not None and core.schema.type, name
        assert by_name["integer"].schema.type == ["integer"]
        assert by_name["number"].schema.type == ["number"]
        assert by_name["checkbox"].schema.type == ["boolean"]
        assert by_name["tag"].schema.type == ["array"]
        assert by_name["text"].schema.type == ["string"]
        assert by_name["date"].schema.pattern and by_name["datetime"].schema.pattern
        assert "maxLength" in by_name["text"].validation_fields
        assert by_name["text"].validation_limits.max_length.max == 100
        assert by_name["longtext"].validation_limits.max_length.max == 1000

    def test_get_one_core_type(self, tm):
        enum = tm.get_taskmanagement_workitems_schemas_coretype("enum")
        assert isinstance(enum, gc.Coretype)
        assert enum.name == "enum"
        assert enum.schema.type == ["string"]
        assert enum.item_validation_limits is not None
        tag = tm.get_taskmanagement_workitems_schemas_coretype("tag")
        assert tag.validation_limits.max_items.max == 10

    def test_unknown_core_type_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workitems_schemas_coretype, "hologram")

    def test_limits(self, tm):
        limits = tm.get_taskmanagement_workitems_schemas_limits()
        assert isinstance(limits, gc.SchemaQuantityLimits)
        assert limits.max_number_of_schemas_per_org == 100
        assert limits.max_number_of_fields_per_schema == 50
        assert limits.min_field_name_characters >= 1
        assert limits.max_field_name_characters >= limits.min_field_name_characters
        assert limits.max_schema_name_characters >= limits.min_schema_name_characters >= 1


# =========================================================================== schemas


class TestSchemas:
    def test_create_schema_with_every_core_type(self, tm, make_schema):
        name = unique("Every type")
        created = make_schema(name=name)
        assert created.id
        assert created.name == name
        assert created.version == 1
        assert created.enabled is True
        assert created.applies_to == ["workitem"]
        assert created.date_created is not None
        assert created.self_uri.endswith("/api/v2/taskmanagement/workitems/schemas/" + created.id)
        doc = created.json_schema
        assert isinstance(doc, gc.JsonSchemaDocument)
        assert doc.required == ["order_id_identifier"]
        expected = every_core_type_properties()
        assert set(doc.properties) == set(expected)
        for prop_name, prop in expected.items():
            got = doc.properties[prop_name]
            assert got["allOf"] == prop["allOf"], prop_name
            for key in ("minLength", "maxLength", "minimum", "maximum", "enum", "minItems", "maxItems"):
                if key in prop:
                    assert got[key] == prop[key], (prop_name, key)
        enum = doc.properties["reason_enum"]
        assert enum["enum"] == ["damaged", "late", "other"]
        assert enum["_enumProperties"]["other"] == {"title": "Other", "_disabled": True}
        assert enum["_enumProperties"]["damaged"]["title"] == "Damaged"

        got = tm.get_taskmanagement_workitems_schema(created.id)
        assert (got.id, got.name, got.version) == (created.id, name, 1)
        assert set(got.json_schema.properties) == set(expected)

        listing = tm.get_taskmanagement_workitems_schemas()
        assert isinstance(listing, gc.DataSchemaListing)
        assert created.id in {s.id for s in listing.entities}
        assert listing.total == len(listing.entities)

    def test_put_makes_a_new_version(self, tm, make_schema):
        created = make_schema(properties={"amount_number": ref("number", minimum=0, maximum=10)})
        props = {"amount_number": ref("number", minimum=0, maximum=100), "note_text": ref("text", maxLength=20)}
        v2 = tm.put_taskmanagement_workitems_schema(created.id, model(
            gc.DataSchema, name=created.name, version=1, json_schema=json_schema(props)))
        assert isinstance(v2, gc.DataSchema)
        assert v2.id == created.id
        assert v2.version == 2
        assert set(v2.json_schema.properties) == {"amount_number", "note_text"}
        assert v2.json_schema.properties["amount_number"]["maximum"] == 100

        latest = tm.get_taskmanagement_workitems_schema(created.id)
        assert latest.version == 2
        versions = tm.get_taskmanagement_workitems_schema_versions(created.id)
        assert isinstance(versions, gc.DataSchemaListing)
        assert sorted(v.version for v in versions.entities) == [1, 2]
        assert versions.total == 2
        v1 = tm.get_taskmanagement_workitems_schema_version(created.id, "1")
        assert v1.version == 1
        assert set(v1.json_schema.properties) == {"amount_number"}
        assert v1.json_schema.properties["amount_number"]["maximum"] == 10
        again = tm.get_taskmanagement_workitems_schema_version(created.id, "2")
        assert again.version == 2 and "note_text" in again.json_schema.properties
        expect_api_error(404, tm.get_taskmanagement_workitems_schema_version, created.id, "3")

    def test_put_round_trips_the_schema_the_sdk_read(self, tm, make_schema):
        """The DataSchema a GET returned (id, createdBy, dateCreated, selfUri, ...) can be PUT back."""
        created = make_schema(properties={"note_text": ref("text", maxLength=20)})
        got = tm.get_taskmanagement_workitems_schema(created.id)
        got.json_schema.properties["note_text"]["maxLength"] = 30
        got.json_schema.properties["size_integer"] = ref("integer", minimum=1)
        updated = tm.put_taskmanagement_workitems_schema(created.id, got)
        assert updated.version == 2
        assert updated.json_schema.properties["note_text"]["maxLength"] == 30
        assert updated.json_schema.properties["size_integer"]["minimum"] == 1
        assert updated.created_by is not None and updated.created_by.id

    def test_disabled_schema_cannot_be_given_to_a_worktype(self, tm, make_schema, make_workbin):
        created = make_schema(properties={"note_text": ref("text")})
        disabled = tm.put_taskmanagement_workitems_schema(created.id, model(
            gc.DataSchema, name=created.name, version=1, enabled=False,
            json_schema=json_schema({"note_text": ref("text")})))
        assert disabled.enabled is False and disabled.version == 2
        expect_field_error(400, "schemaId", tm.post_taskmanagement_worktypes, model(
            gc.WorktypeCreate, name=unique("Disabled"), default_workbin_id=make_workbin().id, schema_id=created.id))

    def test_put_with_a_stale_version_is_409(self, tm, make_schema):
        created = make_schema(properties={"note_text": ref("text")})
        tm.put_taskmanagement_workitems_schema(created.id, model(
            gc.DataSchema, name=created.name, version=1, json_schema=json_schema({"note_text": ref("text")})))
        body = expect_api_error(409, tm.put_taskmanagement_workitems_schema, created.id, model(
            gc.DataSchema, name=created.name, version=1,
            json_schema=json_schema({"note_text": ref("text"), "other_text": ref("text")})))
        assert body["status"] == 409
        assert tm.get_taskmanagement_workitems_schema(created.id).version == 2

    def test_put_without_version_is_400(self, tm, make_schema):
        created = make_schema(properties={"note_text": ref("text")})
        expect_field_error(400, "version", tm.put_taskmanagement_workitems_schema, created.id, model(
            gc.DataSchema, name=created.name, json_schema=json_schema({"note_text": ref("text")})))

    @pytest.mark.parametrize("properties, field", [
        ({"price": ref("number")}, "jsonSchema.properties.price"),
        ({"price_money": ref("number")}, "jsonSchema.properties.price_money"),
        ({"price_number": ref("text")}, "jsonSchema.properties.price_number.allOf[0].$ref"),
        ({"price_number": ref("number", maxLength=3)}, "jsonSchema.properties.price_number.maxLength"),
        ({"size_text": ref("text", maxLength=101)}, "jsonSchema.properties.size_text.maxLength"),
        ({"pick_enum": ref("enum", enum=[])}, "jsonSchema.properties.pick_enum.enum"),
        ({"count_integer": ref("integer", minimum=5, maximum=1)}, "jsonSchema.properties.count_integer.minimum"),
    ])
    def test_invalid_schema_is_400_naming_the_property(self, tm, properties, field):
        body = expect_api_error(400, tm.post_taskmanagement_workitems_schemas, model(
            gc.DataSchema, name=unique("Bad schema"), json_schema=json_schema(properties)))
        assert field_of(body) == field, body

    def test_required_must_name_a_property(self, tm):
        expect_field_error(400, "jsonSchema.required[0]", tm.post_taskmanagement_workitems_schemas, model(
            gc.DataSchema, name=unique("Bad required"),
            json_schema=json_schema({"a_text": ref("text")}, required=["b_text"])))

    def test_schema_without_name_is_400(self, tm):
        expect_field_error(400, "name", tm.post_taskmanagement_workitems_schemas,
                           model(gc.DataSchema, json_schema=json_schema({"a_text": ref("text")})))

    def test_delete_unused_schema(self, tm, make_schema):
        created = make_schema(properties={"a_text": ref("text")})
        assert tm.delete_taskmanagement_workitems_schema(created.id) is None
        expect_api_error(404, tm.get_taskmanagement_workitems_schema, created.id)
        assert created.id not in {s.id for s in tm.get_taskmanagement_workitems_schemas().entities}

    def test_schema_in_use_cannot_be_deleted(self, tm, make_schema, make_worktype):
        created = make_schema(properties={"a_text": ref("text")})
        make_worktype(schema_id=created.id)
        body = expect_api_error(409, tm.delete_taskmanagement_workitems_schema, created.id)
        assert body["status"] == 409
        assert tm.get_taskmanagement_workitems_schema(created.id).id == created.id

    def test_unknown_schema_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workitems_schema, MISSING_ID)


# =========================================================================== workbins


class TestWorkbins:
    def test_create_get_patch_delete(self, tm, home_division):
        name = unique("Inbox")
        created = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=name, description="first"))
        assert isinstance(created, gc.Workbin)
        assert created.id and created.name == name
        assert created.description == "first"
        assert created.division.id == home_division.id
        assert created.date_created is not None and created.date_modified is not None
        assert created.self_uri.endswith("/api/v2/taskmanagement/workbins/" + created.id)

        got = tm.get_taskmanagement_workbin(created.id)
        assert (got.id, got.name, got.description, got.division.id) == (created.id, name, "first", home_division.id)

        new_name = unique("Renamed inbox")
        patched = tm.patch_taskmanagement_workbin(created.id, model(gc.WorkbinUpdate, name=new_name,
                                                                     description="second"))
        assert patched.id == created.id
        assert (patched.name, patched.description) == (new_name, "second")
        assert patched.date_modified >= created.date_modified
        assert patched.date_created == created.date_created
        assert tm.get_taskmanagement_workbin(created.id).name == new_name

        assert tm.delete_taskmanagement_workbin(created.id) is None
        expect_api_error(404, tm.get_taskmanagement_workbin, created.id)

    def test_workbin_in_another_division(self, tm, authz_api):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Workbin Division")))
        created = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=unique("Away"),
                                                        division_id=division.id))
        assert created.division.id == division.id

    def test_unknown_division_is_400(self, tm):
        expect_field_error(400, "divisionId", tm.post_taskmanagement_workbins,
                           model(gc.WorkbinCreate, name=unique("Lost"), division_id=MISSING_ID))

    @pytest.mark.parametrize("length, ok", [(2, False), (3, True), (256, True), (257, False)])
    def test_name_length_3_to_256(self, tm, length, ok):
        name = (unique("n") + "x" * 300)[:length]
        if ok:
            created = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=name))
            assert created.name == name
        else:
            expect_field_error(400, "name", tm.post_taskmanagement_workbins, model(gc.WorkbinCreate, name=name))

    def test_unknown_workbin_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workbin, MISSING_ID)
        expect_api_error(404, tm.patch_taskmanagement_workbin, MISSING_ID, model(gc.WorkbinUpdate, name="whatever"))
        expect_api_error(404, tm.delete_taskmanagement_workbin, MISSING_ID)

    def test_query_filter_count_sort_and_pages(self, tm, make_workbin):
        prefix = unique("Qbin")
        made = [make_workbin(name=f"{prefix}-{c}") for c in "dbeac"]
        by_prefix = [wfilter("name", "BEGINS_WITH", prefix)]

        count = tm.post_taskmanagement_workbins_query(model(gc.WorkbinQueryRequest, filters=by_prefix,
                                                            select="Count"))
        assert isinstance(count, gc.WorkbinQueryEntityListing)
        assert count.count == 5
        assert not count.entities

        one = tm.post_taskmanagement_workbins_query(model(gc.WorkbinQueryRequest,
                                                          filters=[wfilter("name", "EQ", made[0].name)]))
        assert [w.id for w in one.entities] == [made[0].id]
        assert isinstance(one.entities[0], gc.Workbin)

        sort = model(gc.WorkbinQuerySort, name="name", ascending=True)
        first = tm.post_taskmanagement_workbins_query(model(gc.WorkbinQueryRequest, filters=by_prefix, sort=sort,
                                                            page_size=2))
        assert [w.name for w in first.entities] == [f"{prefix}-a", f"{prefix}-b"]
        assert first.after
        names = [w.name for w in first.entities]
        after = first.after
        pages = 1
        while after:
            page = tm.post_taskmanagement_workbins_query(model(gc.WorkbinQueryRequest, filters=by_prefix, sort=sort,
                                                               page_size=2, after=after))
            names.extend(w.name for w in page.entities)
            after = page.after
            pages += 1
            assert pages <= 5
        assert names == [f"{prefix}-{c}" for c in "abcde"]
        assert pages == 3

        desc = tm.post_taskmanagement_workbins_query(model(
            gc.WorkbinQueryRequest, filters=by_prefix, sort=model(gc.WorkbinQuerySort, name="name", ascending=False),
            page_size=200))
        assert [w.name for w in desc.entities] == [f"{prefix}-{c}" for c in "edcba"]

    def test_query_with_an_unknown_filter_name_is_400(self, tm):
        """The SDK lists the workbin filter names: id, name, description, divisionId, dateCreated, ..."""
        expect_field_error(400, "filters[0].name", tm.post_taskmanagement_workbins_query,
                           model(gc.WorkbinQueryRequest, filters=[wfilter("shoeSize", "EQ", "9")]))

    def test_query_page_size_over_200_is_400(self, tm):
        expect_field_error(400, "pageSize", tm.post_taskmanagement_workbins_query,
                           model(gc.WorkbinQueryRequest, page_size=201))

    def test_history_and_versions(self, tm, make_workbin):
        created = make_workbin(description="v1")
        first_name = created.name
        second_name = unique("Second")
        tm.patch_taskmanagement_workbin(created.id, model(gc.WorkbinUpdate, name=second_name))
        tm.patch_taskmanagement_workbin(created.id, model(gc.WorkbinUpdate, description="v3"))

        history = tm.get_taskmanagement_workbin_history(created.id)
        assert isinstance(history, gc.WorkbinChangeListing)
        assert [e.version for e in history.entities] == [1, 2, 3]
        v2 = history.entities[1]
        assert v2.delta.name.old_value == first_name
        assert v2.delta.name.new_value == second_name
        assert v2.delta.description is None
        v3 = history.entities[2]
        assert (v3.delta.description.old_value, v3.delta.description.new_value) == ("v1", "v3")
        assert v3.delta.name is None
        assert v3.modified_by is not None and v3.modified_by.id

        desc = tm.get_taskmanagement_workbin_history(created.id, sort_order="descending")
        assert [e.version for e in desc.entities] == [3, 2, 1]
        paged = tm.get_taskmanagement_workbin_history(created.id, page_size=2)
        assert [e.version for e in paged.entities] == [1, 2]
        assert paged.after
        rest = tm.get_taskmanagement_workbin_history(created.id, page_size=2, after=paged.after)
        assert [e.version for e in rest.entities] == [3]
        assert not rest.after

        versions = tm.get_taskmanagement_workbin_versions(created.id)
        assert isinstance(versions, gc.WorkbinVersionListing)
        assert [(v.version, v.name) for v in versions.entities] == [
            (1, first_name), (2, second_name), (3, second_name)]
        assert [v.description for v in versions.entities] == ["v1", "v1", "v3"]
        v1 = tm.get_taskmanagement_workbin_version(created.id, 1)
        assert isinstance(v1, gc.WorkbinVersion)
        assert (v1.id, v1.version, v1.name, v1.description) == (created.id, 1, first_name, "v1")
        expect_api_error(404, tm.get_taskmanagement_workbin_version, created.id, 9)

    def test_workbin_holding_workitems_cannot_be_deleted(self, tm, make_workbin, make_worktype, make_workitem):
        worktype = make_worktype()
        other = make_workbin()
        item = make_workitem(worktype, workbin_id=other.id)
        assert item.workbin.id == other.id
        body = expect_api_error(409, tm.delete_taskmanagement_workbin, other.id)
        assert body["status"] == 409
        assert tm.get_taskmanagement_workbin(other.id).id == other.id
        tm.delete_taskmanagement_workitem(item.id)
        assert tm.delete_taskmanagement_workbin(other.id) is None
        expect_api_error(404, tm.get_taskmanagement_workbin, other.id)

    def test_default_workbin_of_a_worktype_cannot_be_deleted(self, tm, make_workbin, make_worktype):
        workbin = make_workbin()
        make_worktype(workbin)
        expect_api_error(409, tm.delete_taskmanagement_workbin, workbin.id)


# =========================================================================== worktypes and statuses


class TestWorktypes:
    def test_create_with_defaults_and_default_statuses(self, tm, make_workbin, make_schema):
        workbin = make_workbin()
        schema = make_schema(properties={"a_text": ref("text")})
        name = unique("Refund request")
        created = tm.post_taskmanagement_worktypes(model(
            gc.WorktypeCreate, name=name, description="refunds", default_workbin_id=workbin.id, schema_id=schema.id,
            default_priority=7, default_due_duration_seconds=86400, default_duration_seconds=600,
            default_expiration_seconds=172800, default_ttl_seconds=3 * 86400, service_level_target=80))
        assert isinstance(created, gc.Worktype)
        assert created.id and created.name == name
        assert created.description == "refunds"
        assert created.division.id == workbin.division.id
        assert created.default_workbin.id == workbin.id
        assert created.default_priority == 7
        assert created.default_due_duration_seconds == 86400
        assert created.default_duration_seconds == 600
        assert created.default_expiration_seconds == 172800
        assert created.default_ttl_seconds == 3 * 86400
        assert created.service_level_target == 80
        assert created.assignment_enabled is False
        assert created.schema.id == schema.id
        assert created.schema.version == 1
        assert created.self_uri.endswith("/api/v2/taskmanagement/worktypes/" + created.id)

        assert len(created.statuses) == 4
        statuses = by_category(created.statuses)
        assert set(statuses) == CATEGORIES
        for s in created.statuses:
            assert isinstance(s, gc.WorkitemStatus)
            assert s.id and s.name
            assert s.worktype.id == created.id
            assert s.destination_statuses == []
        assert created.default_status.id == statuses["Open"].id

        got = tm.get_taskmanagement_worktype(created.id)
        assert got.id == created.id
        assert got.default_status.id == statuses["Open"].id
        assert {s.id for s in got.statuses} == {s.id for s in created.statuses}

        listing = tm.get_taskmanagement_worktype_statuses(created.id)
        assert isinstance(listing, gc.WorkitemStatusListing)
        assert {s.id for s in listing.entities} == {s.id for s in created.statuses}

        one = tm.get_taskmanagement_worktype_status(created.id, statuses["Closed"].id)
        assert (one.id, one.category) == (statuses["Closed"].id, "Closed")

    def test_status_listing_has_a_total(self, tm, make_worktype):
        """WorkitemStatusListing is {total, entities, selfUri}."""
        created = make_worktype()
        listing = tm.get_taskmanagement_worktype_statuses(created.id)
        assert len(listing.entities) == 4
        assert listing.total == 4

    def test_service_defaults(self, make_worktype):
        created = make_worktype()
        assert created.default_priority == 0
        assert created.service_level_target == 100
        assert created.schema is None
        assert created.unassigned_division_contacts_enabled is True
        assert created.rule_settings.flow_rules_enabled is False

    def test_disable_default_status_creation(self, tm, make_worktype):
        created = make_worktype(disable_default_status_creation=True)
        assert created.statuses == []
        assert created.default_status is None
        assert tm.get_taskmanagement_worktype_statuses(created.id).entities == []

    def test_create_needs_a_default_workbin(self, tm):
        expect_field_error(400, "defaultWorkbinId", tm.post_taskmanagement_worktypes,
                           model(gc.WorktypeCreate, name=unique("No bin")))
        expect_field_error(400, "defaultWorkbinId", tm.post_taskmanagement_worktypes,
                           model(gc.WorktypeCreate, name=unique("Bad bin"), default_workbin_id=MISSING_ID))

    def test_invalid_defaults_are_400(self, tm, make_workbin):
        workbin = make_workbin()
        expect_field_error(400, "name", tm.post_taskmanagement_worktypes,
                           model(gc.WorktypeCreate, name="ab", default_workbin_id=workbin.id))
        expect_field_error(400, "defaultPriority", tm.post_taskmanagement_worktypes,
                           unchecked(gc.WorktypeCreate, name=unique("Hot"), default_workbin_id=workbin.id,
                                     default_priority=25_000_001))
        expect_field_error(400, "defaultDueDurationSeconds", tm.post_taskmanagement_worktypes,
                           unchecked(gc.WorktypeCreate, name=unique("Late"), default_workbin_id=workbin.id,
                                     default_due_duration_seconds=366 * 86400))
        expect_field_error(400, "defaultDueDurationSeconds", tm.post_taskmanagement_worktypes,
                           model(gc.WorktypeCreate, name=unique("Due late"), default_workbin_id=workbin.id,
                                 default_due_duration_seconds=7200, default_expiration_seconds=3600))
        expect_field_error(400, "schemaId", tm.post_taskmanagement_worktypes,
                           model(gc.WorktypeCreate, name=unique("No schema"), default_workbin_id=workbin.id,
                                 schema_id=MISSING_ID))

    def test_schema_pins_the_latest_version(self, tm, make_schema, make_worktype, make_workitem):
        schema = make_schema(properties={"a_text": ref("text")})
        old = make_worktype(schema_id=schema.id)
        assert old.schema.version == 1
        tm.put_taskmanagement_workitems_schema(schema.id, model(
            gc.DataSchema, name=schema.name, version=1,
            json_schema=json_schema({"a_text": ref("text"), "b_integer": ref("integer")})))
        new = make_worktype(schema_id=schema.id)
        assert new.schema.version == 2
        assert tm.get_taskmanagement_worktype(old.id).schema.version == 1

        # Workitems are validated against the version their worktype pins.
        body = expect_api_error(400, tm.post_taskmanagement_workitems, model(
            gc.WorkitemCreate, name=unique("Old"), type_id=old.id, custom_fields={"b_integer": 1}))
        assert field_of(body) == "customFields.b_integer"
        item = make_workitem(new, custom_fields={"b_integer": 1})
        assert item.schema.id == schema.id and item.schema.version == 2
        assert item.custom_fields == {"b_integer": 1}
        old_item = make_workitem(old, custom_fields={"a_text": "x"})
        assert old_item.schema.version == 1

        # An explicit schemaVersion pins that one.
        pinned = make_worktype(schema_id=schema.id, schema_version=1)
        assert pinned.schema.version == 1
        expect_field_error(400, "schemaVersion", tm.post_taskmanagement_worktypes, model(
            gc.WorktypeCreate, name=unique("Future"), default_workbin_id=new.default_workbin.id,
            schema_id=schema.id, schema_version=3))

    def test_patch_history_and_versions(self, tm, make_worktype):
        created = make_worktype(default_priority=1)
        name = unique("Renamed type")
        patched = tm.patch_taskmanagement_worktype(created.id, model(gc.WorktypeUpdate, name=name,
                                                                       default_priority=9))
        assert isinstance(patched, gc.Worktype)
        assert (patched.id, patched.name, patched.default_priority) == (created.id, name, 9)
        assert len(patched.statuses) == 4
        assert patched.date_modified >= created.date_modified
        assert tm.get_taskmanagement_worktype(created.id).default_priority == 9

        history = tm.get_taskmanagement_worktype_history(created.id)
        assert isinstance(history, gc.WorktypeChangeListing)
        last = history.entities[-1]
        assert last.delta.default_priority.old_value == 1
        assert last.delta.default_priority.new_value == 9
        assert last.delta.name.old_value == created.name
        assert last.delta.name.new_value == name
        versions = [e.version for e in history.entities]
        assert versions == sorted(versions) and len(set(versions)) == len(versions)

        listing = tm.get_taskmanagement_worktype_versions(created.id)
        assert isinstance(listing, gc.WorktypeVersionListing)
        assert [v.version for v in listing.entities] == versions
        assert listing.entities[-1].name == name
        assert listing.entities[-1].default_priority == 9
        first = tm.get_taskmanagement_worktype_version(created.id, listing.entities[0].version)
        assert isinstance(first, gc.WorktypeVersion)
        assert (first.name, first.default_priority) == (created.name, 1)
        expect_api_error(404, tm.get_taskmanagement_worktype_version, created.id, 99)

    def test_set_default_status(self, tm, make_worktype):
        created = make_worktype()
        waiting = by_category(created.statuses)["Waiting"]
        patched = tm.patch_taskmanagement_worktype(created.id, model(gc.WorktypeUpdate,
                                                                       default_status_id=waiting.id))
        assert patched.default_status.id == waiting.id
        expect_field_error(400, "defaultStatusId", tm.patch_taskmanagement_worktype, created.id,
                           model(gc.WorktypeUpdate, default_status_id=MISSING_ID))

    def test_query_worktypes(self, tm, make_workbin, make_worktype):
        workbin = make_workbin()
        made = [make_worktype(workbin) for _ in range(3)]
        listing = tm.post_taskmanagement_worktypes_query(model(
            gc.WorktypeQueryRequest, filters=[wfilter("defaultWorkbinId", "EQ", workbin.id)],
            sort=model(gc.WorktypeQuerySort, name="name", ascending=True)))
        assert isinstance(listing, gc.WorktypeQueryEntityListing)
        assert [w.id for w in listing.entities] == [w.id for w in sorted(made, key=lambda w: w.name.lower())]
        assert all(len(w.statuses) == 4 for w in listing.entities)
        count = tm.post_taskmanagement_worktypes_query(model(
            gc.WorktypeQueryRequest, filters=[wfilter("defaultWorkbinId", "EQ", workbin.id)], select="Count"))
        assert count.count == 3
        named = tm.post_taskmanagement_worktypes_query(model(
            gc.WorktypeQueryRequest, filters=[wfilter("name", "EQ", made[1].name)]))
        assert [w.id for w in named.entities] == [made[1].id]

    def test_query_worktypes_expanding_schema(self, tm, make_workbin, make_worktype, make_schema):
        """WorktypeQueryRequest.expands is a single string in the SDK ("schema")."""
        workbin = make_workbin()
        schema = make_schema(properties={"a_text": ref("text")})
        made = make_worktype(workbin, schema_id=schema.id)
        listing = tm.post_taskmanagement_worktypes_query(model(
            gc.WorktypeQueryRequest, filters=[wfilter("defaultWorkbinId", "EQ", workbin.id)], expands="schema"))
        assert [w.id for w in listing.entities] == [made.id]
        assert listing.entities[0].schema.id == schema.id

    def test_query_worktypes_by_default_priority(self, tm, make_workbin, make_worktype):
        """defaultPriority is one of the filter names the SDK documents for worktype queries."""
        workbin = make_workbin()
        hot = make_worktype(workbin, default_priority=42)
        make_worktype(workbin, default_priority=1)
        listing = tm.post_taskmanagement_worktypes_query(model(
            gc.WorktypeQueryRequest, filters=[wfilter("defaultWorkbinId", "EQ", workbin.id),
                                              wfilter("defaultPriority", "EQ", 42, type="Int")]))
        assert [w.id for w in listing.entities] == [hot.id]

    def test_delete_worktype(self, tm, make_worktype, make_workitem):
        unused = make_worktype()
        assert tm.delete_taskmanagement_worktype(unused.id) is None
        expect_api_error(404, tm.get_taskmanagement_worktype, unused.id)

        busy = make_worktype()
        make_workitem(busy)
        expect_api_error(409, tm.delete_taskmanagement_worktype, busy.id)
        assert tm.get_taskmanagement_worktype(busy.id).id == busy.id

    def test_unknown_worktype_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_worktype, MISSING_ID)
        expect_api_error(404, tm.get_taskmanagement_worktype_statuses, MISSING_ID)


class TestStatuses:
    @pytest.fixture
    def flow(self, tm, make_worktype):
        """A worktype without default statuses: New (Open) -> Working (InProgress) -> Done (Closed)."""
        wt = make_worktype(disable_default_status_creation=True)
        mk = lambda name, category, **kw: tm.post_taskmanagement_worktype_statuses(  # noqa: E731
            wt.id, model(gc.WorkitemStatusCreate, name=name, category=category, **kw))
        done = mk("Done", "Closed", description="finished")
        working = mk("Working", "InProgress")
        new = mk("New", "Open", destination_status_ids=[working.id])
        waiting = mk("On hold", "Waiting")
        return {"worktype": wt, "new": new, "working": working, "done": done, "waiting": waiting}

    def test_create_status(self, tm, flow):
        new, working, done = flow["new"], flow["working"], flow["done"]
        assert isinstance(new, gc.WorkitemStatus)
        assert (new.name, new.category) == ("New", "Open")
        assert [d.id for d in new.destination_statuses] == [working.id]
        assert new.worktype.id == flow["worktype"].id
        assert done.description == "finished"
        assert done.destination_statuses == []
        listing = tm.get_taskmanagement_worktype_statuses(flow["worktype"].id)
        assert {s.id for s in listing.entities} == {new.id, working.id, done.id, flow["waiting"].id}

    def test_invalid_statuses_are_400(self, tm, flow):
        wt = flow["worktype"]
        expect_field_error(400, "name", tm.post_taskmanagement_worktype_statuses, wt.id,
                           model(gc.WorkitemStatusCreate, name="ab", category="Open"))
        expect_field_error(400, "destinationStatusIds[0]", tm.post_taskmanagement_worktype_statuses, wt.id,
                           model(gc.WorkitemStatusCreate, name=unique("Dangling"), category="Open",
                                 destination_status_ids=[MISSING_ID]))
        expect_field_error(400, "autoTerminateWorkitem", tm.post_taskmanagement_worktype_statuses, wt.id,
                           model(gc.WorkitemStatusCreate, name=unique("Term"), category="Open",
                                 auto_terminate_workitem=True))

    def test_auto_transition_settings(self, tm, flow):
        wt, working, done = flow["worktype"], flow["working"], flow["done"]
        expect_field_error(400, "statusTransitionDelaySeconds", tm.patch_taskmanagement_worktype_status,
                           wt.id, working.id, model(gc.WorkitemStatusUpdate, default_destination_status_id=done.id,
                                                    status_transition_delay_seconds=59))
        expect_field_error(400, "statusTransitionDelaySeconds", tm.patch_taskmanagement_worktype_status,
                           wt.id, working.id, model(gc.WorkitemStatusUpdate, default_destination_status_id=done.id))
        expect_field_error(400, "defaultDestinationStatusId", tm.patch_taskmanagement_worktype_status,
                           wt.id, working.id, model(gc.WorkitemStatusUpdate, status_transition_delay_seconds=60))
        patched = tm.patch_taskmanagement_worktype_status(wt.id, working.id, model(
            gc.WorkitemStatusUpdate, default_destination_status_id=done.id, status_transition_delay_seconds=60))
        assert isinstance(patched, gc.WorkitemStatus)
        assert patched.default_destination_status.id == done.id
        assert patched.status_transition_delay_seconds == 60
        assert patched.status_transition_time is None

        waiting = flow["waiting"]
        timed = tm.patch_taskmanagement_worktype_status(wt.id, waiting.id, model(
            gc.WorkitemStatusUpdate, default_destination_status_id=working.id, status_transition_time="17:30:00.000"))
        assert timed.status_transition_time.startswith("17:30")
        assert timed.default_destination_status.id == working.id
        got = tm.get_taskmanagement_worktype_status(wt.id, waiting.id)
        assert got.status_transition_time.startswith("17:30")
        # A default destination outside the listed destinations is refused.
        expect_field_error(400, "defaultDestinationStatusId", tm.patch_taskmanagement_worktype_status,
                           wt.id, flow["new"].id, model(gc.WorkitemStatusUpdate,
                                                        default_destination_status_id=done.id,
                                                        status_transition_delay_seconds=120))

    def test_delete_status(self, tm, flow):
        wt = flow["worktype"]
        extra = tm.post_taskmanagement_worktype_statuses(wt.id, model(gc.WorkitemStatusCreate,
                                                                      name=unique("Extra"), category="Waiting"))
        assert tm.delete_taskmanagement_worktype_status(wt.id, extra.id) is None
        expect_api_error(404, tm.get_taskmanagement_worktype_status, wt.id, extra.id)
        assert extra.id not in {s.id for s in tm.get_taskmanagement_worktype_statuses(wt.id).entities}

    def test_workitem_needs_a_status_when_the_worktype_has_no_default(self, tm, flow):
        expect_field_error(400, "statusId", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name=unique("No status"), type_id=flow["worktype"].id))

    def test_transitions_follow_destinations(self, tm, flow, make_workitem):
        new, working, done = flow["new"], flow["working"], flow["done"]
        item = make_workitem(flow["worktype"], status_id=new.id)
        assert (item.status.id, item.status_category) == (new.id, "Open")
        assert item.date_closed is None

        # New lists only Working: Done is refused, naming statusId.
        body = expect_field_error(400, "statusId", tm.patch_taskmanagement_workitem, item.id,
                                  model(gc.WorkitemUpdate, status_id=done.id))
        assert body["status"] == 400
        assert tm.get_taskmanagement_workitem(item.id).status.id == new.id

        time.sleep(0.01)
        moved = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, status_id=working.id))
        assert (moved.status.id, moved.status_category) == (working.id, "InProgress")
        assert moved.date_status_changed > item.date_status_changed
        assert moved.date_closed is None

        # Working lists none: any status of the worktype may follow.
        closed = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, status_id=done.id))
        assert (closed.status.id, closed.status_category) == (done.id, "Closed")
        assert closed.date_closed is not None
        assert closed.date_closed == closed.date_status_changed

        reopened = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, status_id=new.id))
        assert (reopened.status.id, reopened.status_category) == (new.id, "Open")
        assert reopened.date_closed is None

    def test_status_of_another_worktype_is_refused(self, tm, flow, make_worktype, make_workitem):
        other = make_worktype()
        item = make_workitem(flow["worktype"], status_id=flow["working"].id)
        expect_field_error(400, "statusId", tm.patch_taskmanagement_workitem, item.id,
                           model(gc.WorkitemUpdate, status_id=by_category(other.statuses)["Open"].id))

    def test_auto_transition_at_a_time_of_day_happens(self, tm, flow, make_workitem):
        """The server moves the workitem by itself at statusTransitionTime (UTC), as the system."""
        wt, working, done = flow["worktype"], flow["working"], flow["done"]
        now = datetime.now(timezone.utc)
        if now.hour == 23 and now.minute == 59 and now.second >= 50:
            time.sleep(15)  # keep the transition time on the same day as the workitem's entry
            now = datetime.now(timezone.utc)
        at = (now + timedelta(seconds=4)).replace(microsecond=0)
        tm.patch_taskmanagement_worktype_status(wt.id, working.id, model(
            gc.WorkitemStatusUpdate, default_destination_status_id=done.id,
            status_transition_time=at.strftime("%H:%M:%S.000")))
        item = make_workitem(wt, status_id=working.id)
        detail = item.auto_status_transition_detail
        assert detail is not None and detail.next_status.id == done.id
        assert aware(detail.date_of_transition) == at

        deadline = time.monotonic() + 20
        got = tm.get_taskmanagement_workitem(item.id)
        while got.status.id != done.id and time.monotonic() < deadline:
            time.sleep(0.5)
            got = tm.get_taskmanagement_workitem(item.id)
        assert got.status.id == done.id, "the automatic transition did not happen"
        assert got.status_category == "Closed"
        assert got.date_closed is not None
        assert aware(got.date_status_changed) == at
        assert got.auto_status_transition_detail is None
        last = tm.get_taskmanagement_workitem_history(item.id).entities[-1]
        assert last.delta.status_id.old_value == working.id
        assert last.delta.status_id.new_value == done.id

    def test_auto_transition_is_scheduled_on_entry(self, tm, flow, make_workitem):
        wt, working, done = flow["worktype"], flow["working"], flow["done"]
        tm.patch_taskmanagement_worktype_status(wt.id, working.id, model(
            gc.WorkitemStatusUpdate, default_destination_status_id=done.id, status_transition_delay_seconds=300))
        item = make_workitem(wt, status_id=working.id)
        detail = item.auto_status_transition_detail
        assert detail is not None
        assert detail.next_status.id == done.id
        assert detail.date_of_transition - item.date_status_changed == timedelta(seconds=300)

        manual = make_workitem(wt, status_id=working.id, auto_status_transition=False)
        assert manual.auto_status_transition is False
        assert manual.auto_status_transition_detail is None

        # Turning it off cancels the pending move; turning it on schedules it again.
        off = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, auto_status_transition=False))
        assert off.auto_status_transition_detail is None
        on = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, auto_status_transition=True))
        assert on.auto_status_transition_detail.next_status.id == done.id


# =========================================================================== workitems


class TestWorkitems:
    def test_create_takes_the_worktype_defaults(self, tm, refund, make_workitem, home_division):
        wt, wb = refund["worktype"], refund["workbin"]
        name = unique("Refund order")
        item = make_workitem(wt, name=name, description="please refund", custom_fields=valid_fields())
        assert item.id and item.name == name
        assert item.description == "please refund"
        assert item.type.id == wt.id
        assert item.workbin.id == wb.id
        assert item.division.id == home_division.id
        assert item.priority == 7
        assert item.status.id == refund["status"]["Open"].id
        assert item.status_category == "Open"
        assert item.date_status_changed == item.date_created
        assert item.date_closed is None
        assert item.date_due - item.date_created == timedelta(seconds=86400)
        assert item.date_expires - item.date_created == timedelta(seconds=30 * 86400)
        assert item.duration_seconds == 600
        assert item.auto_status_transition is True
        assert item.schema.id == refund["schema"].id
        assert item.schema.version == 1
        assert item.custom_fields == valid_fields()
        assert item.self_uri.endswith("/api/v2/taskmanagement/workitems/" + item.id)

        got = tm.get_taskmanagement_workitem(item.id)
        assert isinstance(got, gc.Workitem)
        assert (got.id, got.name, got.priority, got.status.id) == (item.id, name, 7, item.status.id)
        assert got.custom_fields == valid_fields()

    def test_explicit_values_override_the_defaults(self, refund, make_workbin, make_workitem):
        other = make_workbin()
        due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
        item = make_workitem(refund["worktype"], priority=-5, date_due=due, workbin_id=other.id,
                             status_id=refund["status"]["Waiting"].id, duration_seconds=60, external_tag="ext-1",
                             custom_fields={"order_id_identifier": "B-2"})
        assert item.priority == -5
        assert aware(item.date_due) == due
        assert item.workbin.id == other.id
        assert (item.status.id, item.status_category) == (refund["status"]["Waiting"].id, "Waiting")
        assert item.duration_seconds == 60
        assert item.external_tag == "ext-1"

    @pytest.mark.parametrize("fields, field", [
        ({}, "customFields.order_id_identifier"),
        (valid_fields(amount_number=-1), "customFields.amount_number"),
        (valid_fields(amount_number=10001), "customFields.amount_number"),
        (valid_fields(amount_number="12"), "customFields.amount_number"),
        (valid_fields(count_integer=1.5), "customFields.count_integer"),
        (valid_fields(count_integer=101), "customFields.count_integer"),
        (valid_fields(reason_enum="bored"), "customFields.reason_enum"),
        (valid_fields(reason_enum="other"), "customFields.reason_enum"),
        (valid_fields(approved_checkbox="yes"), "customFields.approved_checkbox"),
        (valid_fields(unknown_text="x"), "customFields.unknown_text"),
        (valid_fields(order_id_identifier="x" * 21), "customFields.order_id_identifier"),
        (valid_fields(summary_text="x"), "customFields.summary_text"),
        (valid_fields(notes_longtext="y" * 51), "customFields.notes_longtext"),
        (valid_fields(link_url="not a url"), "customFields.link_url"),
        (valid_fields(due_date="02/01/2026"), "customFields.due_date"),
        (valid_fields(seen_datetime="yesterday"), "customFields.seen_datetime"),
        (valid_fields(labels_tag="vip"), "customFields.labels_tag"),
        (valid_fields(labels_tag=["a", "b", "c", "d"]), "customFields.labels_tag"),
    ])
    def test_custom_fields_are_validated(self, tm, refund, fields, field):
        body = expect_api_error(400, tm.post_taskmanagement_workitems, model(
            gc.WorkitemCreate, name=unique("Bad fields"), type_id=refund["worktype"].id, custom_fields=fields))
        assert field_of(body) == field, body
        assert body["code"]

    def test_custom_fields_need_a_schema(self, tm, make_worktype):
        plain = make_worktype()
        expect_field_error(400, "customFields", tm.post_taskmanagement_workitems, model(
            gc.WorkitemCreate, name=unique("No schema"), type_id=plain.id, custom_fields={"a_text": "x"}))

    def test_patch_merges_custom_fields(self, tm, refund, make_workitem):
        item = make_workitem(refund["worktype"], custom_fields={"order_id_identifier": "A-2", "reason_enum": "late"})
        patched = tm.patch_taskmanagement_workitem(item.id, model(
            gc.WorkitemUpdate, custom_fields={"amount_number": 99, "reason_enum": None}))
        assert patched.custom_fields == {"order_id_identifier": "A-2", "amount_number": 99}
        body = expect_api_error(400, tm.patch_taskmanagement_workitem, item.id, model(
            gc.WorkitemUpdate, custom_fields={"amount_number": 100000}))
        assert field_of(body) == "customFields.amount_number"
        assert tm.get_taskmanagement_workitem(item.id).custom_fields["amount_number"] == 99

    def test_patch_fields(self, tm, refund, make_workitem):
        item = make_workitem(refund["worktype"], custom_fields={"order_id_identifier": "A-3"})
        name = unique("Patched")
        due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=5)
        patched = tm.patch_taskmanagement_workitem(item.id, model(
            gc.WorkitemUpdate, name=name, priority=3, description="changed", date_due=due))
        assert isinstance(patched, gc.Workitem)
        assert (patched.name, patched.priority, patched.description) == (name, 3, "changed")
        assert aware(patched.date_due) == due
        assert patched.date_modified >= item.date_modified
        assert patched.modified_by is not None
        got = tm.get_taskmanagement_workitem(item.id)
        assert (got.name, got.priority, got.description) == (name, 3, "changed")

    def test_invalid_values_are_400(self, tm, refund, make_workitem):
        wt = refund["worktype"]
        fields = {"order_id_identifier": "A-4"}
        expect_field_error(400, "name", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name="ab", type_id=wt.id, custom_fields=fields))
        expect_field_error(400, "priority", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name=unique("Hot"), type_id=wt.id, custom_fields=fields,
                                 priority=25_000_001))
        expect_field_error(400, "typeId", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name=unique("Typeless"), type_id=MISSING_ID))
        expect_field_error(400, "dateDue", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name=unique("Far"), type_id=wt.id, custom_fields=fields,
                                 date_due=datetime.now(timezone.utc) + timedelta(days=400)))
        expect_field_error(400, "queueId", tm.post_taskmanagement_workitems,
                           unchecked(gc.WorkitemCreate, name=unique("Queue"), type_id=wt.id, custom_fields=fields,
                                     queue_id="not-a-uuid"))
        expect_field_error(400, "dateDue", tm.post_taskmanagement_workitems,
                           model(gc.WorkitemCreate, name=unique("Due late"), type_id=wt.id, custom_fields=fields,
                                 date_due=datetime.now(timezone.utc) + timedelta(days=2),
                                 date_expires=datetime.now(timezone.utc) + timedelta(days=1)))
        item = make_workitem(wt, custom_fields=fields)
        expect_field_error(400, "name", tm.patch_taskmanagement_workitem, item.id, model(gc.WorkitemUpdate, name="x"))

    def test_delete_workitem(self, tm, refund, make_workitem):
        item = make_workitem(refund["worktype"], custom_fields={"order_id_identifier": "A-5"})
        assert tm.delete_taskmanagement_workitem(item.id) is None
        expect_api_error(404, tm.get_taskmanagement_workitem, item.id)
        expect_api_error(404, tm.delete_taskmanagement_workitem, item.id)

    def test_unknown_workitem_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workitem, MISSING_ID)
        expect_api_error(404, tm.patch_taskmanagement_workitem, MISSING_ID, model(gc.WorkitemUpdate, priority=1))

    def test_terminate(self, tm, make_worktype, make_workitem):
        wt = make_worktype()
        statuses = by_category(wt.statuses)
        item = make_workitem(wt)
        done = tm.post_taskmanagement_workitem_terminate(item.id)
        assert isinstance(done, gc.Workitem)
        assert done.id == item.id
        assert done.date_closed is not None
        # A terminated workitem does not change any more.
        expect_api_error(400, tm.patch_taskmanagement_workitem, item.id,
                         model(gc.WorkitemUpdate, status_id=statuses["InProgress"].id))
        expect_api_error(400, tm.post_taskmanagement_workitem_terminate, item.id)

    def test_terminate_into_a_closed_status(self, tm, make_worktype, make_workitem):
        """WorkitemTerminate.statusId names the Closed-category status the workitem ends in."""
        wt = make_worktype()
        statuses = by_category(wt.statuses)
        item = make_workitem(wt)
        done = tm.post_taskmanagement_workitem_terminate(item.id, body=model(
            gc.WorkitemTerminate, status_id=statuses["Closed"].id))
        assert done.status.id == statuses["Closed"].id
        assert done.status_category == "Closed"
        assert done.date_closed is not None
        got = tm.get_taskmanagement_workitem(item.id)
        assert (got.status.id, got.status_category) == (statuses["Closed"].id, "Closed")

    def test_manual_assignment(self, tm, make_worktype, make_workitem, make_user):
        user, _, _ = make_user()
        item = make_workitem(make_worktype())
        assert item.assignee is None
        result = tm.patch_taskmanagement_workitem_assignment(item.id, model(gc.WorkitemManualAssign, id=user.id))
        assert result is None
        got = tm.get_taskmanagement_workitem(item.id)
        assert got.assignee is not None and got.assignee.id == user.id

    def test_assign_with_patch(self, tm, make_worktype, make_workitem, make_user):
        user, _, _ = make_user()
        item = make_workitem(make_worktype())
        assigned = tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, assignee_id=user.id))
        assert assigned.assignee.id == user.id
        expect_field_error(400, "assigneeId", tm.patch_taskmanagement_workitem, item.id,
                           model(gc.WorkitemUpdate, assignee_id=MISSING_ID))

    def test_history(self, tm, make_worktype, make_workitem):
        wt = make_worktype(default_priority=5)
        statuses = by_category(wt.statuses)
        item = make_workitem(wt, name=unique("History"))
        new_name = unique("History renamed")
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, priority=9, name=new_name))
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, status_id=statuses["Closed"].id))

        history = tm.get_taskmanagement_workitem_history(item.id)
        assert isinstance(history, gc.WorkitemChangeListing)
        assert [e.version for e in history.entities] == [1, 2, 3]
        created, renamed, closed = history.entities
        assert isinstance(created, gc.WorkitemsChangeWorkitemDelta)
        assert created.delta.name.new_value == item.name
        assert created.delta.priority.new_value == 5
        assert renamed.delta.priority.old_value == 5
        assert renamed.delta.priority.new_value == 9
        assert (renamed.delta.name.old_value, renamed.delta.name.new_value) == (item.name, new_name)
        assert renamed.delta.status_id is None
        assert closed.delta.status_id.old_value == statuses["Open"].id
        assert closed.delta.status_id.new_value == statuses["Closed"].id
        assert closed.delta.status_category.old_value == "Open"
        assert closed.delta.status_category.new_value == "Closed"
        assert closed.delta.date_closed.old_value is None
        assert closed.delta.date_closed.new_value is not None
        assert closed.delta.priority is None
        assert closed.modified_by is not None and closed.modified_by.id

        desc = tm.get_taskmanagement_workitem_history(item.id, sort_order="descending")
        assert [e.version for e in desc.entities] == [3, 2, 1]
        first = tm.get_taskmanagement_workitem_history(item.id, page_size=2)
        assert [e.version for e in first.entities] == [1, 2] and first.after
        rest = tm.get_taskmanagement_workitem_history(item.id, page_size=2, after=first.after)
        assert [e.version for e in rest.entities] == [3] and not rest.after

    def test_history_of_custom_fields(self, tm, refund, make_workitem):
        item = make_workitem(refund["worktype"], custom_fields={"order_id_identifier": "H-1"})
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, custom_fields={"count_integer": 4}))
        last = tm.get_taskmanagement_workitem_history(item.id).entities[-1]
        assert last.delta.custom_fields.old_value == {"order_id_identifier": "H-1"}
        assert last.delta.custom_fields.new_value == {"order_id_identifier": "H-1", "count_integer": 4}

    def test_versions(self, tm, make_worktype, make_workitem):
        wt = make_worktype(default_priority=2)
        item = make_workitem(wt)
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, priority=4))
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, priority=6))
        listing = tm.get_taskmanagement_workitem_versions(item.id)
        assert isinstance(listing, gc.WorkitemVersionListing)
        assert [(v.version, v.priority) for v in listing.entities] == [(1, 2), (2, 4), (3, 6)]
        assert all(v.id == item.id for v in listing.entities)
        desc = tm.get_taskmanagement_workitem_versions(item.id, sort_order="descending", page_size=1)
        assert [v.version for v in desc.entities] == [3] and desc.after
        v1 = tm.get_taskmanagement_workitem_version(item.id, 1)
        assert isinstance(v1, gc.WorkitemVersion)
        assert (v1.id, v1.version, v1.priority, v1.name) == (item.id, 1, 2, item.name)
        expect_api_error(404, tm.get_taskmanagement_workitem_version, item.id, 4)

    def test_unchanged_patch_keeps_the_version(self, tm, make_worktype, make_workitem):
        item = make_workitem(make_worktype(default_priority=2))
        tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, priority=2))
        assert [v.version for v in tm.get_taskmanagement_workitem_versions(item.id).entities] == [1]

    def test_external_contact_must_exist(self, tm, make_worktype):
        """A workitem's externalContactId names an external contact (linking one: TestExternalContacts)."""
        wt = make_worktype()
        expect_field_error(400, "externalContactId", tm.post_taskmanagement_workitems, model(
            gc.WorkitemCreate, name=unique("Ghost contact"), type_id=wt.id, external_contact_id=MISSING_ID))
        expect_field_error(400, "externalContactId", tm.post_taskmanagement_workitems, model(
            gc.WorkitemCreate, name=unique("Bad contact"), type_id=wt.id, external_contact_id="nope"))
        item = tm.post_taskmanagement_workitems(model(gc.WorkitemCreate, name=unique("No contact"), type_id=wt.id))
        expect_field_error(400, "externalContactId", tm.patch_taskmanagement_workitem, item.id,
                           model(gc.WorkitemUpdate, external_contact_id="not-a-uuid"))
        expect_field_error(400, "externalContactId", tm.patch_taskmanagement_workitem, item.id,
                           model(gc.WorkitemUpdate, external_contact_id=MISSING_ID))

class TestWorkitemEtags:
    """ETag on responses and If-Match on PATCH, over raw HTTP next to the SDK."""

    def test_etag_and_if_match(self, tm, raw, make_worktype, make_workitem):
        item = make_workitem(make_worktype(default_priority=1))
        path = "/api/v2/taskmanagement/workitems/" + item.id
        got = raw("GET", path)
        assert got.status == 200
        assert got.headers.get("ETag") == '"1"'
        assert got.json()["version"] == 1

        ok = raw("PATCH", path, {"priority": 2}, headers={"If-Match": '"1"'})
        assert ok.status == 200, ok.body
        assert ok.headers.get("ETag") == '"2"'
        assert ok.json()["priority"] == 2

        stale = raw("PATCH", path, {"priority": 3}, headers={"If-Match": '"1"'})
        assert stale.status == 412, stale.body
        body = stale.json()
        assert body["status"] == 412 and body["code"] and body["message"]
        assert tm.get_taskmanagement_workitem(item.id).priority == 2

        # Without If-Match the SDK's PATCH applies to the latest version.
        assert tm.patch_taskmanagement_workitem(item.id, model(gc.WorkitemUpdate, priority=5)).priority == 5
        assert raw("GET", path).headers.get("ETag") == '"3"'
        assert raw("PATCH", path, {"priority": 6}, headers={"If-Match": '"3"'}).status == 200

    def test_concurrent_if_match_writers_one_wins(self, tm, raw, make_worktype, make_workitem):
        """N writers holding the same ETag: exactly one PATCH applies, the others get 412."""
        item = make_workitem(make_worktype())
        path = "/api/v2/taskmanagement/workitems/" + item.id
        writers = 10
        barrier = threading.Barrier(writers)
        outcomes: list = [None] * writers

        def write(i: int) -> None:
            barrier.wait(timeout=30)
            outcomes[i] = raw("PATCH", path, {"priority": 100 + i}, headers={"If-Match": '"1"'})

        threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert all(o is not None for o in outcomes), "a writer did not finish"
        statuses = sorted(o.status for o in outcomes)
        wins = [o for o in outcomes if o.status == 200]
        assert len(wins) == 1, statuses
        assert statuses == [200] + [412] * (writers - 1), [(o.status, o.body) for o in outcomes
                                                           if o.status not in (200, 412)]
        final = tm.get_taskmanagement_workitem(item.id)
        assert final.priority == wins[0].json()["priority"]
        assert [v.version for v in tm.get_taskmanagement_workitem_versions(item.id).entities] == [1, 2]

    def test_create_returns_an_etag(self, raw, make_worktype):
        wt = make_worktype()
        created = raw("POST", "/api/v2/taskmanagement/workitems", {"name": unique("Etag"), "typeId": wt.id})
        assert created.status == 200, created.body
        assert created.headers.get("ETag") == '"1"'

    def test_bad_if_match_is_400(self, raw, make_worktype, make_workitem):
        item = make_workitem(make_worktype())
        resp = raw("PATCH", "/api/v2/taskmanagement/workitems/" + item.id, {"priority": 2},
                   headers={"If-Match": "yesterday"})
        assert resp.status == 400, resp.body

    def test_worktype_if_match(self, tm, raw, make_worktype):
        wt = make_worktype()
        path = "/api/v2/taskmanagement/worktypes/" + wt.id
        got = raw("GET", path)
        etag = got.headers.get("ETag")
        assert got.status == 200 and etag
        assert raw("PATCH", path, {"defaultPriority": 3}, headers={"If-Match": etag}).status == 200
        stale = raw("PATCH", path, {"defaultPriority": 4}, headers={"If-Match": etag})
        assert stale.status == 412, stale.body
        assert tm.get_taskmanagement_worktype(wt.id).default_priority == 3


class TestWorkitemQuery:
    @pytest.fixture
    def bin_of_items(self, tm, refund, make_workitem):
        """Seven workitems in a workbin of their own, with distinct due dates and priorities."""
        now = datetime.now(timezone.utc).replace(microsecond=0)
        specs = [  # (priority, due in days, amount)
            (5, 3, 10), (1, 6, 200), (9, 1, 30.5), (3, 7, 400), (7, 2, 50), (2, 5, 600), (8, 4, 70),
        ]
        items = []
        for i, (priority, days, amount) in enumerate(specs):
            items.append(make_workitem(refund["worktype"], name=f"Query item {i}", priority=priority,
                                       date_due=now + timedelta(days=days),
                                       custom_fields={"order_id_identifier": f"Q-{i}", "amount_number": amount}))
        return {"items": items, "workbin": refund["workbin"], "worktype": refund["worktype"],
                "status": refund["status"]}

    def query(self, tm, *filters, **kw):
        listing = tm.post_taskmanagement_workitems_query(model(gc.WorkitemQueryPostRequest, filters=list(filters),
                                                               **kw))
        assert isinstance(listing, gc.WorkitemPostQueryEntityListing)
        return listing

    def test_filter_by_workbin(self, tm, bin_of_items):
        items = bin_of_items["items"]
        listing = self.query(tm, wfilter("workbinId", "EQ", bin_of_items["workbin"].id), page_size=200)
        assert {w.id for w in listing.entities} == {w.id for w in items}
        assert all(isinstance(w, gc.Workitem) for w in listing.entities)
        assert not listing.after
        assert len(listing.entities) == 7

    def test_select_count(self, tm, bin_of_items):
        listing = self.query(tm, wfilter("workbinId", "EQ", bin_of_items["workbin"].id), select="Count")
        assert listing.count == 7
        assert not listing.entities

    def test_filter_by_status_category(self, tm, bin_of_items):
        items, wb = bin_of_items["items"], bin_of_items["workbin"]
        closed = bin_of_items["status"]["Closed"]
        for w in items[:2]:
            tm.patch_taskmanagement_workitem(w.id, model(gc.WorkitemUpdate, status_id=closed.id))
        done = self.query(tm, wfilter("workbinId", "EQ", wb.id), wfilter("statusCategory", "EQ", "Closed"))
        assert {w.id for w in done.entities} == {w.id for w in items[:2]}
        assert all(w.status_category == "Closed" and w.date_closed is not None for w in done.entities)
        still_open = self.query(tm, wfilter("workbinId", "EQ", wb.id), wfilter("statusCategory", "EQ", "Open"))
        assert {w.id for w in still_open.entities} == {w.id for w in items[2:]}
        both = self.query(tm, wfilter("workbinId", "EQ", wb.id),
                          wfilter("statusCategory", "IN", "Open", "Closed"), select="Count")
        assert both.count == 7
        expect_field_error(400, "filters[1].values", tm.post_taskmanagement_workitems_query, model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("workbinId", "EQ", wb.id),
                                                  wfilter("statusCategory", "EQ", "Sleeping")]))

    def test_filter_by_custom_field_number(self, tm, bin_of_items):
        items, wb = bin_of_items["items"], bin_of_items["workbin"]
        big = self.query(tm, wfilter("workbinId", "EQ", wb.id),
                         wfilter("customFields.amount_number", "GT", 100, type="Int"))
        assert {w.custom_fields["amount_number"] for w in big.entities} == {200, 400, 600}
        exact = self.query(tm, wfilter("workbinId", "EQ", wb.id),
                           wfilter("customFields.amount_number", "EQ", 30.5, type="Int"))
        assert [w.id for w in exact.entities] == [items[2].id]
        between = self.query(tm, wfilter("workbinId", "EQ", wb.id),
                             wfilter("customFields.amount_number", "BETWEEN", 30, 70, type="Int"))
        assert {w.id for w in between.entities} == {items[2].id, items[4].id, items[6].id}
        by_text = self.query(tm, wfilter("workbinId", "EQ", wb.id),
                             wfilter("customFields.order_id_identifier", "EQ", "Q-3"))
        assert [w.id for w in by_text.entities] == [items[3].id]

    def test_sort_by_due_date(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        expected = sorted(bin_of_items["items"], key=lambda w: w.date_due)
        asc = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=model(gc.WorkitemQuerySort, name="dateDue",
                                                                           ascending=True))
        assert [w.id for w in asc.entities] == [w.id for w in expected]
        desc = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=model(gc.WorkitemQuerySort, name="dateDue",
                                                                            ascending=False))
        assert [w.id for w in desc.entities] == [w.id for w in reversed(expected)]

    def test_sort_by_priority(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        asc = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=model(gc.WorkitemQuerySort, name="priority",
                                                                           ascending=True))
        assert [w.priority for w in asc.entities] == [1, 2, 3, 5, 7, 8, 9]
        desc = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=model(gc.WorkitemQuerySort, name="priority",
                                                                            ascending=False))
        assert [w.priority for w in desc.entities] == [9, 8, 7, 5, 3, 2, 1]
        high = self.query(tm, wfilter("workbinId", "EQ", wb.id), wfilter("priority", "GTE", 7, type="Int"))
        assert sorted(w.priority for w in high.entities) == [7, 8, 9]

    def test_cursor_paging(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        sort = model(gc.WorkitemQuerySort, name="priority", ascending=False)
        seen, sizes, after = [], [], None
        for _ in range(5):
            kw = {"after": after} if after else {}
            page = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=sort, page_size=3, **kw)
            sizes.append(len(page.entities))
            seen.extend(w.priority for w in page.entities)
            after = page.after
            if not after:
                break
        assert sizes == [3, 3, 1]
        assert seen == [9, 8, 7, 5, 3, 2, 1]

    def test_paging_by_due_date_keeps_order_across_pages(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        sort = model(gc.WorkitemQuerySort, name="dateDue", ascending=True)
        ids, after = [], None
        while True:
            kw = {"after": after} if after else {}
            page = self.query(tm, wfilter("workbinId", "EQ", wb.id), sort=sort, page_size=2, **kw)
            ids.extend(w.id for w in page.entities)
            after = page.after
            if not after:
                break
            assert len(ids) < 10
        assert ids == [w.id for w in sorted(bin_of_items["items"], key=lambda w: w.date_due)]

    def test_page_size_limits(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        assert len(self.query(tm, wfilter("workbinId", "EQ", wb.id), page_size=200).entities) == 7
        expect_field_error(400, "pageSize", tm.post_taskmanagement_workitems_query, model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("workbinId", "EQ", wb.id)], page_size=201))

    def test_bad_cursor_and_bad_filter_are_400(self, tm, bin_of_items):
        wb = bin_of_items["workbin"]
        expect_field_error(400, "after", tm.post_taskmanagement_workitems_query, model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("workbinId", "EQ", wb.id)], after="not-a-cursor"))
        expect_field_error(400, "filters[0].name", tm.post_taskmanagement_workitems_query, model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("shoeSize", "EQ", "9")]))

    def test_query_by_case_id(self, tm, admin_client, make_worktype):
        """casefile's workitems carry a caseId (the SDK's WorkitemCreate has no such attribute)."""
        wt = make_worktype()
        case_id = unique("case")
        created = admin_client.call_api(
            "/api/v2/taskmanagement/workitems", "POST",
            header_params={"Accept": "application/json", "Content-Type": "application/json"},
            body={"name": unique("Case stage"), "typeId": wt.id, "caseId": case_id},
            response_type="Workitem", auth_settings=["PureCloud OAuth"])
        assert isinstance(created, gc.Workitem)
        other = tm.post_taskmanagement_workitems(model(gc.WorkitemCreate, name=unique("No case"), type_id=wt.id))
        listing = self.query(tm, wfilter("caseId", "EQ", case_id))
        assert [w.id for w in listing.entities] == [created.id]
        assert other.id not in {w.id for w in listing.entities}
        count = self.query(tm, wfilter("caseId", "EQ", case_id), select="Count")
        assert count.count == 1

    def test_case_id_round_trips_over_raw_http(self, raw, make_worktype):
        wt = make_worktype()
        case_id = unique("case")
        created = raw("POST", "/api/v2/taskmanagement/workitems",
                      {"name": unique("Case stage"), "typeId": wt.id, "caseId": case_id})
        assert created.status == 200, created.body
        assert created.json()["caseId"] == case_id
        got = raw("GET", "/api/v2/taskmanagement/workitems/" + created.json()["id"])
        assert got.json()["caseId"] == case_id


# =========================================================================== division isolation


class TestTaskIsolation:
    PASSWORD = "Compat-Passw0rd!-long-enough"

    def test_agent_does_not_see_workitems_of_another_division(self, tm, authz_api, home_division, make_user,
                                                              user_client):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Task Division")))
        away_bin = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=unique("Away bin"),
                                                         division_id=division.id))
        away_type = tm.post_taskmanagement_worktypes(model(gc.WorktypeCreate, name=unique("Away type"),
                                                           default_workbin_id=away_bin.id))
        assert away_type.division.id == division.id
        away = tm.post_taskmanagement_workitems(model(gc.WorkitemCreate, name=unique("Away item"),
                                                      type_id=away_type.id))
        assert away.division.id == division.id
        home_bin = tm.post_taskmanagement_workbins(model(gc.WorkbinCreate, name=unique("Home bin")))
        home_type = tm.post_taskmanagement_worktypes(model(gc.WorktypeCreate, name=unique("Home type"),
                                                           default_workbin_id=home_bin.id))
        home = tm.post_taskmanagement_workitems(model(gc.WorkitemCreate, name=unique("Home item"),
                                                      type_id=home_type.id))

        agent, email, _ = make_user(password=self.PASSWORD)
        authz_api.put_user_roles(agent.id, ["agent"])
        authz_api.post_authorization_subject_division_role(agent.id, home_division.id, "agent",
                                                           subject_type="PC_USER")
        agent_tm = gc.TaskManagementApi(user_client(email, self.PASSWORD))

        assert agent_tm.get_taskmanagement_workitem(home.id).id == home.id
        missing = expect_api_error(404, agent_tm.get_taskmanagement_workitem, MISSING_ID)
        hidden = expect_api_error(404, agent_tm.get_taskmanagement_workitem, away.id)
        assert hidden["code"] == missing["code"]
        listing = agent_tm.post_taskmanagement_workitems_query(model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("typeId", "IN", away_type.id, home_type.id)]))
        assert [w.id for w in listing.entities] == [home.id]
        admin = tm.post_taskmanagement_workitems_query(model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("typeId", "IN", away_type.id, home_type.id)]))
        assert {w.id for w in admin.entities} == {home.id, away.id}


# =========================================================================== jobs


class TestQueryJobs:
    @pytest.fixture
    def items(self, refund, make_workitem):
        made = []
        for i, (priority, amount) in enumerate([(4, 10), (2, 20), (6, 30), (1, 40), (5, 50)]):
            made.append(make_workitem(refund["worktype"], name=f"Job item {i}", priority=priority,
                                      custom_fields={"order_id_identifier": f"J-{i}", "amount_number": amount}))
        return {"items": made, "workbin": refund["workbin"]}

    def run_job(self, tm, body):
        job = tm.post_taskmanagement_workitems_query_jobs(body)
        assert isinstance(job, gc.WorkitemQueryJobResponse)
        assert job.id
        assert job.state in ("Queued", "Running", "Succeeded")
        assert job.self_uri.endswith("/api/v2/taskmanagement/workitems/query/jobs/" + job.id)
        done = wait_for_job(tm.get_taskmanagement_workitems_query_job, job.id)
        assert done.state == "Succeeded", done.error
        assert done.id == job.id
        return done

    def test_query_job_pages_and_sorts(self, tm, items):
        body = model(gc.WorkitemQueryJobCreate, page_size=2, page_number=1,
                     filters=[model(gc.WorkitemQueryJobFilter, name="workbinId", operator="EQ",
                                    values=[items["workbin"].id])],
                     sort=model(gc.WorkitemQueryJobSort, name="priority", ascending=True))
        job = self.run_job(tm, body)
        results = tm.get_taskmanagement_workitems_query_job_results(job.id)
        assert isinstance(results, gc.WorkitemPagedEntityListing)
        assert results.total == 5
        assert results.page_size == 2
        assert results.page_number == 1
        assert results.page_count == 3
        assert [w.priority for w in results.entities] == [1, 2]
        assert all(isinstance(w, gc.Workitem) for w in results.entities)

        body.page_number = 3
        last = tm.get_taskmanagement_workitems_query_job_results(self.run_job(tm, body).id)
        assert [w.priority for w in last.entities] == [6]
        assert last.page_number == 3

    def test_query_job_with_custom_field_predicates(self, tm, items):
        predicate = model(gc.WorkitemQueryJobQueryFiltersPredicate, name="amount_number", operator="GTE",
                          values=[30])
        body = model(gc.WorkitemQueryJobCreate, page_size=25,
                     filters=[model(gc.WorkitemQueryJobFilter, name="workbinId", operator="EQ",
                                    values=[items["workbin"].id])],
                     query_filters=[model(gc.WorkitemQueryJobQueryFilters, name="customFields", operator="AND",
                                          criteria=[model(gc.WorkitemQueryJobQueryFiltersCriteria, operator="AND",
                                                          predicates=[predicate])])])
        results = tm.get_taskmanagement_workitems_query_job_results(self.run_job(tm, body).id)
        assert results.total == 3
        assert sorted(w.custom_fields["amount_number"] for w in results.entities) == [30, 40, 50]

    def test_unknown_query_job_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workitems_query_job, MISSING_ID)
        expect_api_error(404, tm.get_taskmanagement_workitems_query_job_results, MISSING_ID)

    def test_bad_query_job_is_400(self, tm):
        expect_api_error(400, tm.post_taskmanagement_workitems_query_jobs, model(
            gc.WorkitemQueryJobCreate, filters=[model(gc.WorkitemQueryJobFilter, name="shoeSize", operator="EQ",
                                                      values=["9"])]))


class TestBulkJobs:
    def test_bulk_add(self, tm, refund):
        wt, wb = refund["worktype"], refund["workbin"]
        entities = [
            model(gc.WorkitemCommonCreate, name=unique("Bulk one"), type_id=wt.id, priority=3,
                  custom_fields={"order_id_identifier": "B-1"}),
            model(gc.WorkitemCommonCreate, name=unique("Bulk bad"), type_id=wt.id,
                  custom_fields={"order_id_identifier": "B-2", "amount_number": -5}),
            model(gc.WorkitemCommonCreate, name=unique("Bulk two"), type_id=wt.id,
                  custom_fields={"order_id_identifier": "B-3"}),
        ]
        job = tm.post_taskmanagement_workitems_bulk_add_jobs(model(gc.BulkJobAddRequest, entities=entities))
        assert isinstance(job, gc.BulkJob)
        assert job.id
        assert job.action == "AddWorkitems"
        assert job.total_count == 3
        done = wait_for_job(tm.get_taskmanagement_workitems_bulk_add_job, job.id)
        assert done.state == "Succeeded"
        assert (done.total_count, done.successful_count, done.failed_count) == (3, 2, 1)

        results = tm.get_taskmanagement_workitems_bulk_add_job_results(job.id)
        assert isinstance(results, gc.BulkJobAddResponse)
        assert results.error_count == 1
        assert results.error_indexes == [1]
        assert len(results.results) == 3
        bad = results.results[1]
        assert bad.entity is None and bad.error is not None and bad.error.message
        for i in (0, 2):
            entity = results.results[i].entity
            assert results.results[i].error is None
            assert entity.id and entity.name == entities[i].name
            assert entity.type.id == wt.id
            assert entity.workbin.id == wb.id
            got = tm.get_taskmanagement_workitem(entity.id)
            assert got.name == entities[i].name
            assert got.custom_fields == entities[i].custom_fields
        assert tm.get_taskmanagement_workitem(results.results[0].entity.id).priority == 3

    def test_bulk_add_needs_entities(self, tm):
        expect_api_error(400, tm.post_taskmanagement_workitems_bulk_add_jobs,
                         model(gc.BulkJobAddRequest, entities=[]))

    def test_bulk_terminate(self, tm, make_worktype, make_workitem):
        wt = make_worktype()
        items = [make_workitem(wt) for _ in range(3)]
        entities = [model(gc.BulkJobEntity, id=w.id) for w in items] + [model(gc.BulkJobEntity, id=MISSING_ID)]
        job = tm.post_taskmanagement_workitems_bulk_terminate_jobs(model(gc.BulkJobTerminateRequest,
                                                                         entities=entities))
        assert isinstance(job, gc.BulkJob)
        assert job.action == "TerminateWorkitems"
        done = wait_for_job(tm.get_taskmanagement_workitems_bulk_terminate_job, job.id)
        assert done.state == "Succeeded"
        assert (done.total_count, done.successful_count, done.failed_count) == (4, 3, 1)
        results = tm.get_taskmanagement_workitems_bulk_terminate_job_results(job.id)
        assert isinstance(results, gc.BulkJobTerminateResultsResponse)
        assert results.error_count == 1 and results.error_indexes == [3]
        assert [r.entity.id for r in results.results[:3]] == [w.id for w in items]
        assert results.results[3].error is not None
        for w in items:
            got = tm.get_taskmanagement_workitem(w.id)
            assert got.date_closed is not None
            expect_api_error(400, tm.patch_taskmanagement_workitem, w.id, model(gc.WorkitemUpdate, priority=1))

    def test_unknown_bulk_job_is_404(self, tm):
        expect_api_error(404, tm.get_taskmanagement_workitems_bulk_add_job, MISSING_ID)
        expect_api_error(404, tm.get_taskmanagement_workitems_bulk_terminate_job, MISSING_ID)
        expect_api_error(404, tm.get_taskmanagement_workitems_bulk_add_job_results, MISSING_ID)


# =========================================================================== external contacts


@pytest.fixture
def contacts_api(admin_client):
    return gc.ExternalContactsApi(admin_client)


@pytest.fixture
def make_contact(contacts_api):
    def make(**extra):
        attrs = {"first_name": "Grace", "last_name": unique("Hopper"), "work_email": unique("grace").lower() +
                 "@example.com", **extra}
        created = contacts_api.post_externalcontacts_contacts(model(gc.ExternalContact, **attrs))
        assert isinstance(created, gc.ExternalContact)
        return created

    return make


class TestExternalContacts:
    def test_create_get_update_delete(self, contacts_api, make_contact):
        last = unique("Lovelace")
        created = make_contact(
            first_name="Ada", last_name=last, title="Countess", work_phone=model(gc.PhoneNumber,
                                                                                   display="+13175550123"),
            address=model(gc.ContactAddress, address1="1 Main St", city="London", postal_code="N1",
                          country_code="GB"))
        assert created.id
        assert (created.first_name, created.last_name, created.title) == ("Ada", last, "Countess")
        assert created.work_phone is not None
        assert created.work_phone.e164 == "+13175550123"
        assert created.work_phone.user_input == "+13175550123"
        assert "".join(c for c in created.work_phone.display if c.isdigit()) == "13175550123"
        assert created.address.city == "London"
        assert created.create_date is not None and created.modify_date is not None

        got = contacts_api.get_externalcontacts_contact(created.id)
        assert (got.id, got.first_name, got.last_name, got.work_email) == (
            created.id, "Ada", last, created.work_email)

        got.title = "Mathematician"
        updated = contacts_api.put_externalcontacts_contact(created.id, got)
        assert updated.id == created.id
        assert updated.title == "Mathematician"
        assert updated.first_name == "Ada"
        assert contacts_api.get_externalcontacts_contact(created.id).title == "Mathematician"

        contacts_api.delete_externalcontacts_contact(created.id)
        expect_api_error(404, contacts_api.get_externalcontacts_contact, created.id)

    def test_search_with_q(self, contacts_api, make_contact):
        last = unique("Searchable")
        mine = make_contact(last_name=last)
        make_contact()
        listing = contacts_api.get_externalcontacts_contacts(q=last)
        assert isinstance(listing, gc.ContactListing)
        assert [c.id for c in listing.entities] == [mine.id]
        assert listing.total == 1
        by_email = contacts_api.get_externalcontacts_contacts(q=mine.work_email)
        assert mine.id in {c.id for c in by_email.entities}
        full_name = contacts_api.get_externalcontacts_contacts(q=f"{mine.first_name} {last}")
        assert [c.id for c in full_name.entities] == [mine.id]
        nothing = contacts_api.get_externalcontacts_contacts(q=unique("nobody"))
        assert nothing.entities == [] and nothing.total == 0

    def test_search_by_phone(self, contacts_api, make_contact):
        import random
        national = f"317{random.randint(200, 999)}{random.randint(0, 9999):04d}"
        typed = f"({national[:3]}) {national[3:6]}-{national[6:]}"
        mine = make_contact(cell_phone=model(gc.PhoneNumber, display=typed))
        assert mine.cell_phone.e164 == "+1" + national
        listing = contacts_api.get_externalcontacts_contacts(q="+1" + national)
        assert [c.id for c in listing.entities] == [mine.id]
        dashed = contacts_api.get_externalcontacts_contacts(q=f"{national[:3]}-{national[3:6]}-{national[6:]}")
        assert mine.id in {c.id for c in dashed.entities}

    def test_paging(self, contacts_api, make_contact):
        last = unique("Paged")
        made = {make_contact(last_name=last, first_name=f"N{i}").id for i in range(3)}
        first = contacts_api.get_externalcontacts_contacts(q=last, page_size=2, page_number=1)
        assert first.total == 3 and len(first.entities) == 2 and first.page_count == 2
        second = contacts_api.get_externalcontacts_contacts(q=last, page_size=2, page_number=2)
        assert len(second.entities) == 1
        assert {c.id for c in first.entities + second.entities} == made

    def test_sort_order(self, contacts_api, make_contact):
        last = unique("Sorted")
        made = {n: make_contact(last_name=last, first_name=n, title=t).id
                for n, t in (("Bea", "c"), ("Al", "a"), ("Cy", "b"))}
        asc = contacts_api.get_externalcontacts_contacts(q=last, sort_order="firstName:asc")
        assert [c.first_name for c in asc.entities] == ["Al", "Bea", "Cy"]
        desc = contacts_api.get_externalcontacts_contacts(q=last, sort_order="firstName:desc")
        assert [c.first_name for c in desc.entities] == ["Cy", "Bea", "Al"]
        by_title = contacts_api.get_externalcontacts_contacts(q=last, sort_order="title:asc")
        assert [c.id for c in by_title.entities] == [made["Al"], made["Cy"], made["Bea"]]
        expect_field_error(400, "sortOrder", contacts_api.get_externalcontacts_contacts, q=last,
                           sort_order="shoeSize:asc")

    def test_division_ids(self, contacts_api, make_contact, authz_api, home_division):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Contacts Division")))
        last = unique("Divided")
        home = make_contact(last_name=last)
        away = make_contact(last_name=last, division=model(gc.WritableStarrableDivision, id=division.id))
        assert home.division.id == home_division.id
        assert away.division.id == division.id
        only_away = contacts_api.get_externalcontacts_contacts(q=last, division_ids=[division.id])
        assert [c.id for c in only_away.entities] == [away.id]
        both = contacts_api.get_externalcontacts_contacts(q=last, division_ids=[division.id, home_division.id])
        assert {c.id for c in both.entities} == {home.id, away.id}

    def test_unknown_contact_is_404(self, contacts_api, make_contact):
        make_contact()  # the resource exists: the 404 below is about the contact
        expect_api_error(404, contacts_api.get_externalcontacts_contact, MISSING_ID)
        expect_api_error(404, contacts_api.get_externalcontacts_contact_notes, MISSING_ID)

    def test_contact_without_name_email_or_phone_is_400(self, contacts_api):
        with pytest.raises(ApiException) as info:
            contacts_api.post_externalcontacts_contacts(model(gc.ExternalContact, title="Nobody"))
        assert info.value.status == 400, info.value.body
        error_body(info.value)

    def test_invalid_email_is_400(self, contacts_api):
        body = expect_api_error(400, contacts_api.post_externalcontacts_contacts,
                                model(gc.ExternalContact, first_name="Bad", work_email="not-an-email"))
        assert field_of(body) == "workEmail", body

    def test_notes(self, contacts_api, make_contact):
        contact = make_contact()
        note = contacts_api.post_externalcontacts_contact_notes(contact.id, model(gc.Note, note_text="called back"))
        assert isinstance(note, gc.Note)
        assert note.id and note.note_text == "called back"
        assert note.entity_id == contact.id
        assert note.entity_type == "contact"
        assert note.create_date is not None

        got = contacts_api.get_externalcontacts_contact_note(contact.id, note.id)
        assert (got.id, got.note_text) == (note.id, "called back")
        listing = contacts_api.get_externalcontacts_contact_notes(contact.id)
        assert isinstance(listing, gc.NoteListing)
        assert [n.id for n in listing.entities] == [note.id]
        assert listing.total == 1

        updated = contacts_api.put_externalcontacts_contact_note(contact.id, note.id,
                                                                 model(gc.Note, note_text="called twice"))
        assert (updated.id, updated.note_text) == (note.id, "called twice")
        assert contacts_api.get_externalcontacts_contact_note(contact.id, note.id).note_text == "called twice"

        contacts_api.delete_externalcontacts_contact_note(contact.id, note.id)
        expect_api_error(404, contacts_api.get_externalcontacts_contact_note, contact.id, note.id)
        assert contacts_api.get_externalcontacts_contact_notes(contact.id).entities == []

    def test_workitem_links_a_contact(self, tm, make_contact, make_worktype, make_workitem):
        contact = make_contact()
        item = make_workitem(make_worktype(), external_contact_id=contact.id)
        assert item.external_contact.id == contact.id
        listing = tm.post_taskmanagement_workitems_query(model(
            gc.WorkitemQueryPostRequest, filters=[wfilter("externalContactId", "EQ", contact.id)]))
        assert [w.id for w in listing.entities] == [item.id]


# =========================================================================== customer intents


@pytest.fixture
def intents_api(admin_client):
    return gc.IntentsApi(admin_client)


class TestIntents:
    def test_categories(self, intents_api):
        name = unique("Billing")
        created = intents_api.post_intents_categories(model(gc.IntentsCategory, name=name, description="money"))
        assert isinstance(created, gc.IntentsCategory)
        assert created.id and (created.name, created.description) == (name, "money")
        got = intents_api.get_intents_category(created.id)
        assert (got.id, got.name) == (created.id, name)
        listing = intents_api.get_intents_categories(query_value=name)
        assert isinstance(listing, gc.IntentsCategoryListing)
        assert [c.id for c in listing.entities] == [created.id]
        renamed = unique("Payments")
        patched = intents_api.patch_intents_category(created.id, model(gc.IntentsCategoryPatch, name=renamed))
        assert (patched.id, patched.name, patched.description) == (created.id, renamed, "money")
        assert intents_api.delete_intents_category(created.id) is None
        expect_api_error(404, intents_api.get_intents_category, created.id)

    def test_customer_intents(self, intents_api):
        category = intents_api.post_intents_categories(model(gc.IntentsCategory, name=unique("Orders")))
        name = unique("Refund request")
        created = intents_api.post_intents_customerintents(model(
            gc.CustomerIntent, name=name, description="wants money back", expiry_time=24, category_id=category.id))
        assert isinstance(created, gc.CustomerIntentResponse)
        assert created.id and created.name == name
        assert created.description == "wants money back"
        assert created.expiry_time == 24
        assert created.category.id == category.id

        got = intents_api.get_intents_customerintent(created.id)
        assert (got.id, got.name, got.category.id) == (created.id, name, category.id)
        listing = intents_api.get_intents_customerintents(category_id=category.id)
        assert isinstance(listing, gc.CustomerIntentListing)
        assert [i.id for i in listing.entities] == [created.id]
        by_name = intents_api.get_intents_customerintents(query_value=name)
        assert created.id in {i.id for i in by_name.entities}

        patched = intents_api.patch_intents_customerintent(created.id, model(gc.CustomerIntentPatch, expiry_time=48))
        assert (patched.id, patched.name, patched.expiry_time) == (created.id, name, 48)

        assert intents_api.delete_intents_customerintent(created.id) is None
        expect_api_error(404, intents_api.get_intents_customerintent, created.id)

    def test_bulk_retrieve_customer_intents(self, intents_api):
        made = [intents_api.post_intents_customerintents(model(gc.CustomerIntent, name=unique("Bulk intent")))
                for _ in range(2)]
        got = intents_api.post_intents_customerintents_bulk_retrieve(model(
            gc.BatchGetCustomerIntentsRequest, ids=[made[1].id, made[0].id]))
        assert isinstance(got, list)
        assert {i.id for i in got} == {m.id for m in made}
        assert all(isinstance(i, gc.CustomerIntentResponse) and i.name for i in got)

    def test_intent_with_unknown_category_is_400(self, intents_api):
        intents_api.post_intents_categories(model(gc.IntentsCategory, name=unique("Exists")))  # the API is there
        with pytest.raises(ApiException) as info:
            intents_api.post_intents_customerintents(model(gc.CustomerIntent, name=unique("Orphan"),
                                                           category_id=MISSING_ID))
        assert info.value.status in (400, 404), info.value.body
        body = error_body(info.value)
        assert body["message"] != "no such resource"

    def test_assign_intent_to_contact(self, intents_api, make_contact):
        contact = make_contact()
        category = intents_api.post_intents_categories(model(gc.IntentsCategory, name=unique("Support")))
        intent = intents_api.post_intents_customerintents(model(gc.CustomerIntent, name=unique("Broken parcel"),
                                                                category_id=category.id, expiry_time=12))
        assigned = intents_api.post_intents_assignments_externalcontact_customerintent_assignment(
            contact.id, intent.id, model(gc.CustomerIntentAssignmentRequest, source_type="Case",
                                         source_id=unique("case")))
        assert isinstance(assigned, gc.CustomerIntentAssignmentResponse)
        assert assigned.customer_intent.id == intent.id
        assert assigned.category.id == category.id
        listing = intents_api.get_intents_assignments_externalcontact(contact.id)
        assert isinstance(listing, gc.CustomerIntentAssignmentListing)
        assert [a.customer_intent.id for a in listing.entities] == [intent.id]
