"""Foundation compatibility: OAuth tokens, divisions, users, roles and division isolation,
driven through the unchanged Genesys Cloud Python SDK (PureCloudPlatformClientV2 269.0.0).

Every test asserts on what comes back (model fields, HTTP status, ErrorBody), never only on
the absence of an exception. The server is shared by the session, so tests make their own
objects with unique names and count listings by difference, not by absolute totals.
"""

from __future__ import annotations

import math
import threading

import pytest

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

from helpers import (all_pages, error_body, expect_api_error, http_request, model, new_api_client, password_token,
                     post_token, unique)

ROLE_IDS = {"admin", "supervisor", "agent"}
PASSWORD = "Compat-Passw0rd!-long-enough"


def role_ids(authorization) -> set[str]:
    return {r.id for r in (authorization.roles or [])}


# =========================================================================== OAuth tokens


class TestToken:
    def test_client_credentials_grant_raw(self, server):
        resp = post_token(server.base_url, server.client_id, server.client_secret, grant_type="client_credentials")
        assert resp.status == 200, resp.body
        assert resp.headers.get("Content-Type", "").startswith("application/json")
        data = resp.json()
        assert isinstance(data["access_token"], str) and len(data["access_token"]) >= 16
        assert data["token_type"].lower() == "bearer"
        assert isinstance(data["expires_in"], int) and data["expires_in"] > 0

    def test_sdk_get_client_credentials_token(self, server):
        client = new_api_client(server.base_url)
        assert client.access_token == ""
        returned = client.get_client_credentials_token(server.client_id, server.client_secret)
        assert returned is client
        assert client.access_token
        # The token works for an API call made by the same client.
        home = gc.AuthorizationApi(client).get_authorization_divisions_home()
        assert isinstance(home, gc.AuthzDivision)
        assert home.home_division is True

    def test_each_grant_issues_a_distinct_token(self, server):
        a = post_token(server.base_url, server.client_id, server.client_secret, grant_type="client_credentials")
        b = post_token(server.base_url, server.client_id, server.client_secret, grant_type="client_credentials")
        assert a.status == b.status == 200
        assert a.json()["access_token"] != b.json()["access_token"]

    def test_bad_secret_is_401_raw(self, server):
        resp = post_token(server.base_url, server.client_id, "wrong-" + server.client_secret,
                          grant_type="client_credentials")
        assert resp.status == 401, resp.body
        body = resp.json()
        assert "access_token" not in body
        assert body["status"] == 401
        assert isinstance(body["message"], str) and body["message"]
        assert isinstance(body["code"], str) and body["code"]

    def test_unknown_client_is_401_raw(self, server):
        resp = post_token(server.base_url, "no-such-client-" + unique("x"), server.client_secret,
                          grant_type="client_credentials")
        assert resp.status == 401, resp.body
        assert resp.json()["status"] == 401

    def test_bad_secret_raises_api_exception_in_sdk(self, server):
        client = new_api_client(server.base_url)
        with pytest.raises(ApiException) as info:
            client.get_client_credentials_token(server.client_id, "wrong-" + server.client_secret)
        assert info.value.status == 401
        error_body(info.value)
        assert client.access_token == ""

    def test_unsupported_grant_type_is_400(self, server):
        resp = post_token(server.base_url, server.client_id, server.client_secret, grant_type="implicit-nonsense")
        assert resp.status == 400, resp.body
        assert "access_token" not in resp.json()

    def test_api_without_token_is_401(self, server):
        resp = http_request("GET", server.base_url + "/api/v2/users")
        assert resp.status == 401, resp.body
        assert resp.json()["status"] == 401

    def test_api_with_bogus_token_is_401_in_sdk(self, server):
        client = new_api_client(server.base_url, access_token="not-a-token-" + unique("t"))
        body = expect_api_error(401, gc.UsersApi(client).get_users)
        assert body["status"] == 401

    def test_healthz(self, server):
        assert http_request("GET", server.base_url + "/healthz").status == 200


# =========================================================================== divisions


class TestDivisions:
    def test_home_division(self, authz_api):
        home = authz_api.get_authorization_divisions_home()
        assert isinstance(home, gc.AuthzDivision)
        assert home.id and home.name
        assert home.home_division is True
        again = authz_api.get_authorization_division(home.id)
        assert again.id == home.id
        assert again.name == home.name
        assert again.home_division is True

    def test_create_get_list_update_delete(self, authz_api, home_division):
        name = unique("Compat Division")
        created = authz_api.post_authorization_divisions(
            model(gc.AuthzDivision, name=name, description="made by the compat suite"))
        assert isinstance(created, gc.AuthzDivision)
        assert created.id
        assert created.name == name
        assert created.description == "made by the compat suite"
        assert created.home_division is False
        assert created.id != home_division.id
        if created.self_uri is not None:
            assert created.self_uri.endswith("/api/v2/authorization/divisions/" + created.id)

        got = authz_api.get_authorization_division(created.id)
        assert (got.id, got.name, got.description, got.home_division) == (
            created.id, name, "made by the compat suite", False)

        listing = authz_api.get_authorization_divisions(page_size=100)
        assert isinstance(listing, gc.AuthzDivisionEntityListing)
        assert listing.page_size == 100
        assert listing.page_number == 1
        ids = {d.id for d in listing.entities}
        assert created.id in ids
        assert home_division.id in ids
        assert listing.total >= 2
        assert listing.total == len(ids) or listing.page_count > 1
        by_id = {d.id: d for d in listing.entities}
        assert by_id[created.id].name == name
        assert by_id[home_division.id].home_division is True

        named = authz_api.get_authorization_divisions(name=name)
        assert [d.id for d in named.entities] == [created.id]

        # PUT replaces: the SDK sends the model it was given.
        new_name = unique("Renamed Division")
        updated = authz_api.put_authorization_division(
            created.id, model(gc.AuthzDivision, name=new_name, description="renamed"))
        assert updated.id == created.id
        assert updated.name == new_name
        assert updated.description == "renamed"
        assert updated.home_division is False
        got = authz_api.get_authorization_division(created.id)
        assert (got.name, got.description) == (new_name, "renamed")

        # A round trip of the object the SDK read (id, homeDivision, selfUri included) works too.
        got.description = "round trip"
        round_trip = authz_api.put_authorization_division(created.id, got)
        assert round_trip.description == "round trip"
        assert round_trip.name == new_name

        assert authz_api.delete_authorization_division(created.id) is None
        body = expect_api_error(404, authz_api.get_authorization_division, created.id)
        assert body["status"] == 404
        listing = authz_api.get_authorization_divisions(page_size=100)
        assert created.id not in {d.id for d in listing.entities}

    def test_create_without_name_is_400(self, authz_api):
        body = expect_api_error(400, authz_api.post_authorization_divisions,
                                model(gc.AuthzDivision, description="no name"))
        assert body["status"] == 400

    def test_unknown_division_is_404_with_error_body(self, authz_api):
        with pytest.raises(ApiException) as info:
            authz_api.get_authorization_division("00000000-0000-0000-0000-00000000dead")
        assert info.value.status == 404
        body = error_body(info.value)
        assert isinstance(body.get("contextId"), str) and body["contextId"]
        # As in Genesys, the correlation id header names the same request as contextId.
        correlation = info.value.headers.get("inin-correlation-id")
        if correlation is not None:
            assert correlation == body["contextId"]
        for key in ("messageParams", "details", "errors"):
            assert key in body, f"ErrorBody lacks {key!r}: {body}"

    def test_put_unknown_division_is_404(self, authz_api):
        expect_api_error(404, authz_api.put_authorization_division, "00000000-0000-0000-0000-00000000beef",
                         model(gc.AuthzDivision, name=unique("Nobody")))

    def test_division_holding_users_cannot_be_deleted(self, authz_api, make_user):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Busy Division")))
        make_user(division_id=division.id)
        with pytest.raises(ApiException) as info:
            authz_api.delete_authorization_division(division.id)
        assert info.value.status in (400, 409)
        error_body(info.value)
        assert authz_api.get_authorization_division(division.id).id == division.id

    def test_duplicate_division_name_is_refused(self, authz_api):
        name = unique("Twin Division")
        authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=name))
        with pytest.raises(ApiException) as info:
            authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=name))
        assert info.value.status in (400, 409)
        error_body(info.value)

    def test_home_division_cannot_be_deleted(self, authz_api, home_division):
        with pytest.raises(ApiException) as info:
            authz_api.delete_authorization_division(home_division.id)
        assert 400 <= info.value.status < 500
        error_body(info.value)
        assert authz_api.get_authorization_division(home_division.id).home_division is True


# =========================================================================== users


class TestUsers:
    def test_create_and_get_user(self, users_api, authz_api):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Users Division")))
        email = unique("create").lower() + "@compat.example.com"
        name = unique("Ada Lovelace")
        created = users_api.post_users(model(
            gc.CreateUser, name=name, email=email, division_id=division.id, title="Engineer",
            department="Analytics", state="active"))
        assert isinstance(created, gc.User)
        assert created.id
        assert created.name == name
        assert created.email == email
        assert created.username == email
        assert created.title == "Engineer"
        assert created.department == "Analytics"
        assert created.state == "active"
        assert created.division is not None and created.division.id == division.id
        assert isinstance(created.version, int) and created.version >= 1
        if created.self_uri is not None:
            assert created.self_uri.endswith("/api/v2/users/" + created.id)
        emails = [c.address for c in (created.primary_contact_info or []) if c.media_type == "EMAIL"]
        assert email in emails

        got = users_api.get_user(created.id)
        assert isinstance(got, gc.User)
        assert (got.id, got.name, got.email, got.division.id, got.state, got.version) == (
            created.id, name, email, division.id, "active", created.version)

    def test_create_user_defaults_to_home_division(self, users_api, home_division):
        email = unique("home").lower() + "@compat.example.com"
        created = users_api.post_users(model(gc.CreateUser, name=unique("Home User"), email=email, state="active"))
        assert created.division.id == home_division.id

    def test_create_user_with_duplicate_email_is_refused(self, users_api, make_user):
        user, email, _ = make_user()
        with pytest.raises(ApiException) as info:
            users_api.post_users(model(gc.CreateUser, name=unique("Twin"), email=email, state="active"))
        assert info.value.status in (400, 409)
        error_body(info.value)

    def test_create_user_without_email_is_400(self, users_api):
        expect_api_error(400, users_api.post_users, model(gc.CreateUser, name=unique("No Email")))

    def test_create_user_in_unknown_division_is_400(self, users_api):
        expect_api_error(400, users_api.post_users, model(
            gc.CreateUser, name=unique("Lost"), email=unique("lost").lower() + "@compat.example.com",
            division_id="00000000-0000-0000-0000-00000000f00d"))

    def test_get_unknown_user_is_404(self, users_api):
        body = expect_api_error(404, users_api.get_user, "00000000-0000-0000-0000-0000000000aa")
        assert body["status"] == 404

    def test_get_users_paging(self, users_api, make_user):
        before = users_api.get_users(page_size=1, page_number=1)
        assert isinstance(before, gc.UserEntityListing)
        made = [make_user()[0].id for _ in range(5)]

        first = users_api.get_users(page_size=2, page_number=1)
        total = first.total
        assert total == before.total + 5
        assert first.page_size == 2
        assert first.page_number == 1
        assert first.page_count == math.ceil(total / 2)
        assert len(first.entities) == 2

        seen = []
        for n in range(1, first.page_count + 1):
            page = users_api.get_users(page_size=2, page_number=n)
            assert page.page_number == n
            assert page.total == total
            assert page.page_count == first.page_count
            expected = 2 if n < first.page_count else total - 2 * (first.page_count - 1)
            assert len(page.entities) == expected, f"page {n}"
            assert all(isinstance(u, gc.User) and u.state == "active" for u in page.entities)
            seen.extend(u.id for u in page.entities)
        assert len(seen) == total
        assert len(set(seen)) == total, "a user appeared on two pages"
        assert set(made) <= set(seen)

        # The Genesys listing links: first page has a next, the last has a previous and no next.
        assert first.next_uri and "pageNumber=2" in first.next_uri and first.next_uri.startswith("/api/v2/users")
        assert first.previous_uri is None
        last = users_api.get_users(page_size=2, page_number=first.page_count)
        assert last.next_uri is None
        assert last.previous_uri and f"pageNumber={first.page_count - 1}" in last.previous_uri
        assert first.last_uri and f"pageNumber={first.page_count}" in first.last_uri

        beyond = users_api.get_users(page_size=2, page_number=first.page_count + 1)
        assert beyond.entities == [] or beyond.entities is None
        assert beyond.total == total

    def test_get_users_by_id(self, users_api, make_user):
        made = [make_user()[0].id for _ in range(5)]
        page3 = users_api.get_users(id=made, page_size=2, page_number=3)
        assert page3.total == 5
        assert page3.page_count == 3
        assert len(page3.entities) == 1
        everything = users_api.get_users(id=made, page_size=25)
        assert {u.id for u in everything.entities} == set(made)

    def test_patch_user_with_version(self, users_api, make_user):
        user, email, _ = make_user(title="Before")
        current = users_api.get_user(user.id)
        new_name = unique("Patched Name")
        patched = users_api.patch_user(user.id, model(
            gc.UpdateUser, name=new_name, title="After", department="Ops", version=current.version))
        assert isinstance(patched, gc.User)
        assert patched.id == user.id
        assert patched.name == new_name
        assert patched.title == "After"
        assert patched.department == "Ops"
        assert patched.email == email
        assert patched.version > current.version
        got = users_api.get_user(user.id)
        assert (got.name, got.title, got.department, got.version) == (new_name, "After", "Ops", patched.version)

    def test_patch_user_with_stale_version_is_409(self, users_api, make_user):
        user, _, _ = make_user()
        v1 = users_api.get_user(user.id).version
        first = users_api.patch_user(user.id, model(gc.UpdateUser, name=unique("First"), version=v1))
        assert first.version > v1
        body = expect_api_error(409, users_api.patch_user, user.id,
                                model(gc.UpdateUser, name=unique("Stale"), version=v1))
        assert body["status"] == 409
        got = users_api.get_user(user.id)
        assert got.name == first.name
        assert got.version == first.version

    def test_patch_user_without_version_is_400(self, users_api, make_user):
        user, _, _ = make_user()
        expect_api_error(400, users_api.patch_user, user.id, model(gc.UpdateUser, name=unique("No Version")))
        assert users_api.get_user(user.id).name == user.name

    def test_patch_unknown_user_is_404(self, users_api):
        expect_api_error(404, users_api.patch_user, "00000000-0000-0000-0000-0000000000bb",
                         model(gc.UpdateUser, name="x", version=1))

    def test_delete_user_sets_state_deleted(self, users_api, make_user):
        user, _, _ = make_user()
        active_before = users_api.get_users(page_size=1).total
        users_api.delete_user(user.id)
        got = users_api.get_user(user.id, state="deleted")
        assert got.id == user.id
        assert got.state == "deleted"
        assert got.version > user.version
        # Gone from the default (active) listing, present in the deleted one.
        assert users_api.get_users(page_size=1).total == active_before - 1
        _, active = all_pages(users_api.get_users, page_size=100)
        assert user.id not in {u.id for u in active}
        _, deleted = all_pages(lambda **kw: users_api.get_users(state="deleted", **kw), page_size=100)
        assert user.id in {u.id for u in deleted}
        assert all(u.state == "deleted" for u in deleted)

    def test_delete_unknown_user_is_404(self, users_api):
        expect_api_error(404, users_api.delete_user, "00000000-0000-0000-0000-0000000000cc")

    def test_restore_deleted_user_with_state_patch(self, users_api, make_user):
        user, _, _ = make_user()
        users_api.delete_user(user.id)
        deleted = users_api.get_user(user.id, state="deleted")
        assert deleted.state == "deleted"
        restored = users_api.patch_user(user.id, model(gc.UpdateUser, state="active", version=deleted.version))
        assert restored.state == "active"
        assert restored.version > deleted.version
        assert users_api.get_user(user.id).state == "active"

    def test_addresses_round_trip(self, users_api, home_division):
        email = unique("addr").lower() + "@compat.example.com"
        phone = model(gc.Contact, address="+13175550123", media_type="PHONE", type="WORK")
        created = users_api.post_users(model(gc.CreateUser, name=unique("Phone User"), email=email,
                                             addresses=[phone], state="active"))
        phones = [c for c in (created.addresses or []) if c.media_type == "PHONE"]
        assert len(phones) == 1
        assert phones[0].address == "+13175550123"
        assert phones[0].type == "WORK"
        mobile = model(gc.Contact, address="+13175550199", media_type="PHONE", type="MOBILE")
        patched = users_api.patch_user(created.id, model(gc.UpdateUser, addresses=[mobile], version=created.version))
        phones = [c for c in (patched.addresses or []) if c.media_type == "PHONE"]
        assert [(c.address, c.type) for c in phones] == [("+13175550199", "MOBILE")]

    def test_get_user_expand_authorization(self, users_api, authz_api, make_user):
        user, _, _ = make_user()
        authz_api.put_user_roles(user.id, ["supervisor"])
        got = users_api.get_user(user.id, expand=["authorization"])
        assert got.authorization is not None
        assert role_ids(got.authorization) == {"supervisor"}

    def test_concurrent_patches_with_same_version_one_wins(self, server, admin_client, make_user):
        """Reliability C3 over the SDK: N writers with one version, exactly one succeeds."""
        user, _, _ = make_user()
        version = user.version
        writers = 12
        barrier = threading.Barrier(writers)
        outcomes: list = [None] * writers

        def write(i: int) -> None:
            api = gc.UsersApi(new_api_client(server.base_url, admin_client.access_token))
            barrier.wait(timeout=30)
            try:
                outcomes[i] = api.patch_user(user.id, model(gc.UpdateUser, title=f"writer-{i}", version=version))
            except ApiException as e:
                outcomes[i] = e

        threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert all(o is not None for o in outcomes), "a writer did not finish"
        wins = [o for o in outcomes if isinstance(o, gc.User)]
        losses = [o for o in outcomes if isinstance(o, ApiException)]
        assert len(wins) == 1, [getattr(o, "status", "ok") for o in outcomes]
        assert all(e.status == 409 for e in losses), [(e.status, e.body) for e in losses]
        final = gc.UsersApi(admin_client).get_user(user.id)
        assert final.title == wins[0].title
        assert final.version == wins[0].version > version


class TestUsersMe:
    def test_users_me_with_password_token(self, make_user, user_client):
        user, email, password = make_user(password=PASSWORD)
        client = user_client(email, password)
        me = gc.UsersApi(client).get_users_me()
        assert isinstance(me, gc.UserMe)
        assert me.id == user.id
        assert me.email == email
        assert me.name == user.name
        assert me.division.id == user.division.id
        assert me.state == "active"

    def test_users_me_with_client_credentials_is_400(self, users_api):
        body = expect_api_error(400, users_api.get_users_me)
        assert body["status"] == 400

    def test_password_grant_with_wrong_password_is_refused(self, server, make_user):
        _, email, _ = make_user(password=PASSWORD)
        resp = post_token(server.base_url, server.client_id, server.client_secret,
                          grant_type="password", username=email, password=PASSWORD + "-wrong")
        assert resp.status in (400, 401), resp.body
        assert "access_token" not in resp.json()

    def test_password_grant_needs_the_client_secret(self, server, make_user):
        _, email, _ = make_user(password=PASSWORD)
        resp = post_token(server.base_url, server.client_id, "wrong-" + server.client_secret,
                          grant_type="password", username=email, password=PASSWORD)
        assert resp.status == 401, resp.body
        assert "access_token" not in resp.json()

    def test_deleted_user_cannot_sign_in(self, server, users_api, make_user):
        user, email, _ = make_user(password=PASSWORD)
        password_token(server, email, PASSWORD)  # works while active
        users_api.delete_user(user.id)
        resp = post_token(server.base_url, server.client_id, server.client_secret,
                          grant_type="password", username=email, password=PASSWORD)
        assert resp.status in (400, 401), resp.body
        assert "access_token" not in resp.json()


# =========================================================================== roles


class TestRoles:
    def test_list_roles(self, authz_api):
        listing = authz_api.get_authorization_roles(page_size=100)
        assert isinstance(listing, gc.OrganizationRoleEntityListing)
        ids = {r.id for r in listing.entities}
        assert ROLE_IDS <= ids
        assert listing.total == len(listing.entities)
        for role in listing.entities:
            assert isinstance(role, gc.DomainOrganizationRole)
            assert role.name

    def test_put_and_get_user_roles(self, authz_api, make_user):
        user, _, _ = make_user()
        put = authz_api.put_user_roles(user.id, ["supervisor", "agent"])
        assert isinstance(put, gc.UserAuthorization)
        assert role_ids(put) == {"supervisor", "agent"}
        assert put.permissions, "supervisor and agent grant permissions"
        got = authz_api.get_user_roles(user.id)
        assert isinstance(got, gc.UserAuthorization)
        assert role_ids(got) == {"supervisor", "agent"}
        assert set(got.permissions) == set(put.permissions)

        narrowed = authz_api.put_user_roles(user.id, ["agent"])
        assert role_ids(narrowed) == {"agent"}
        assert set(narrowed.permissions) < set(put.permissions)
        assert role_ids(authz_api.get_user_roles(user.id)) == {"agent"}

    def test_put_unknown_role_is_refused(self, authz_api, make_user):
        user, _, _ = make_user()
        authz_api.put_user_roles(user.id, ["agent"])
        with pytest.raises(ApiException) as info:
            authz_api.put_user_roles(user.id, ["no-such-role"])
        assert info.value.status in (400, 404)
        error_body(info.value)
        assert role_ids(authz_api.get_user_roles(user.id)) == {"agent"}

    def test_roles_of_unknown_user_is_404(self, authz_api):
        expect_api_error(404, authz_api.get_user_roles, "00000000-0000-0000-0000-0000000000dd")

    def test_grant_role_in_division(self, authz_api, make_user):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Grant Division")))
        user, _, _ = make_user()
        authz_api.put_user_roles(user.id, ["agent"])
        result = authz_api.post_authorization_subject_division_role(
            user.id, division.id, "supervisor", subject_type="PC_USER")
        assert result is None
        assert role_ids(authz_api.get_user_roles(user.id)) == {"agent", "supervisor"}

    def test_user_roles_take_effect(self, authz_api, make_user, user_client):
        """An agent cannot add users; the same user made admin can."""
        user, email, password = make_user(password=PASSWORD)
        authz_api.put_user_roles(user.id, ["agent"])
        agent = gc.UsersApi(user_client(email, password))
        new_user = lambda: model(gc.CreateUser, name=unique("By Agent"),
                                 email=unique("byagent").lower() + "@compat.example.com", state="active")
        body = expect_api_error(403, agent.post_users, new_user())
        assert body["status"] == 403

        authz_api.put_user_roles(user.id, ["admin"])
        admin = gc.UsersApi(user_client(email, password))
        created = admin.post_users(new_user())
        assert created.id and created.division.id == user.division.id


# =========================================================================== division isolation


class TestDivisionIsolation:
    @pytest.fixture
    def world(self, authz_api, make_user, home_division, user_client):
        """Division A (home) and B; a user in B; an agent in A with a password."""
        division_b = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Division B")))
        user_b, _, _ = make_user(division_id=division_b.id)
        peer_a, _, _ = make_user(division_id=home_division.id)
        agent, agent_email, _ = make_user(division_id=home_division.id, password=PASSWORD)
        authz_api.put_user_roles(agent.id, ["agent"])
        authz_api.post_authorization_subject_division_role(agent.id, home_division.id, "agent", subject_type="PC_USER")
        assert role_ids(authz_api.get_user_roles(agent.id)) == {"agent"}
        return {
            "a": home_division, "b": division_b, "user_b": user_b, "peer_a": peer_a,
            "agent": agent, "agent_api": gc.UsersApi(user_client(agent_email, PASSWORD)),
            "agent_email": agent_email,
        }

    def test_agent_gets_404_for_user_in_other_division(self, world, users_api):
        # The admin sees the user; the agent, granted only in A, does not.
        assert users_api.get_user(world["user_b"].id).division.id == world["b"].id
        body = expect_api_error(404, world["agent_api"].get_user, world["user_b"].id)
        assert body["status"] == 404
        # ... and gets the same answer as for a user that does not exist at all.
        missing = expect_api_error(404, world["agent_api"].get_user, "00000000-0000-0000-0000-0000000000ee")
        assert missing["code"] == body["code"]

    def test_agent_sees_users_of_its_own_division(self, world):
        got = world["agent_api"].get_user(world["peer_a"].id)
        assert got.id == world["peer_a"].id
        assert got.division.id == world["a"].id
        me = world["agent_api"].get_users_me()
        assert me.id == world["agent"].id

    def test_agent_listing_hides_other_division(self, world, users_api):
        first, entities = all_pages(world["agent_api"].get_users, page_size=100)
        ids = {u.id for u in entities}
        assert world["user_b"].id not in ids
        assert world["peer_a"].id in ids
        assert world["agent"].id in ids
        assert all(u.division.id == world["a"].id for u in entities)
        assert first.total == len(entities)
        # The admin's listing has the user of B, and more users than the agent's.
        _, admin_entities = all_pages(users_api.get_users, page_size=100)
        assert world["user_b"].id in {u.id for u in admin_entities}
        assert users_api.get_users(page_size=1).total > first.total

    def test_agent_listing_by_id_hides_other_division(self, world):
        listing = world["agent_api"].get_users(id=[world["user_b"].id, world["peer_a"].id])
        assert [u.id for u in listing.entities] == [world["peer_a"].id]
        assert listing.total == 1

    def test_agent_cannot_patch_user_in_other_division(self, world, users_api):
        user_b = users_api.get_user(world["user_b"].id)
        # An agent holds directory:user:edit nowhere: 403 before the user is looked up.
        expect_api_error(403, world["agent_api"].patch_user, user_b.id,
                         model(gc.UpdateUser, name=unique("Hijacked"), version=user_b.version))
        assert users_api.get_user(user_b.id).name == user_b.name

    def test_grant_in_other_division_makes_user_visible(self, world, authz_api, server, user_client):
        authz_api.post_authorization_subject_division_role(
            world["agent"].id, world["b"].id, "agent", subject_type="PC_USER")
        agent_api = gc.UsersApi(user_client(world["agent_email"], PASSWORD))
        got = agent_api.get_user(world["user_b"].id)
        assert got.id == world["user_b"].id
        assert got.division.id == world["b"].id
        _, entities = all_pages(agent_api.get_users, page_size=100)
        assert world["user_b"].id in {u.id for u in entities}
