"""Helpers shared by the compatibility tests: raw HTTP, SDK models, Genesys error bodies."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.configuration import Configuration
from PureCloudPlatformClientV2.rest import ApiException

HTTP_TIMEOUT_S = 30.0

# Plain urllib without proxies from the environment: the server is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --------------------------------------------------------------------------- raw HTTP


@dataclass
class RawResponse:
    status: int
    body: bytes
    headers: object  # email.message.Message: get() is case-insensitive

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def http_request(method: str, url: str, *, headers: dict | None = None, data: bytes | None = None) -> RawResponse:
    """One HTTP request with urllib; HTTP error statuses are returned, not raised."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=HTTP_TIMEOUT_S) as resp:
            return RawResponse(resp.status, resp.read(), resp.headers)
    except urllib.error.HTTPError as e:
        return RawResponse(e.code, e.read(), e.headers)


def post_token(base_url: str, client_id: str, client_secret: str, **form: str) -> RawResponse:
    """POST /oauth/token with HTTP Basic client authentication and a form body."""
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
    return http_request(
        "POST",
        base_url + "/oauth/token",
        headers={"Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"},
        data=urllib.parse.urlencode(form).encode("ascii"),
    )


# --------------------------------------------------------------------------- helpers


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def model(cls, **attrs):
    """Build an SDK model (their constructors take no arguments)."""
    obj = cls()
    for k, v in attrs.items():
        setattr(obj, k, v)
    return obj


def error_body(exc: ApiException) -> dict:
    """The Genesys ErrorBody of a failed call, checked for its shape."""
    assert exc.body, f"HTTP {exc.status} came back with no body"
    body = json.loads(exc.body)
    assert isinstance(body, dict), body
    for key in ("message", "code", "status"):
        assert key in body, f"ErrorBody lacks {key!r}: {body}"
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["code"], str) and body["code"], body
    assert body["status"] == exc.status, body
    # Must parse as the SDK's own ErrorBody model.
    parsed = gc.api_client.ApiClient()._ApiClient__deserialize(body, "ErrorBody")
    assert parsed.status == exc.status and parsed.code == body["code"]
    return body


def expect_api_error(status: int, fn, *args, **kwargs) -> dict:
    """Call an SDK method expecting ApiException with this HTTP status; return the ErrorBody."""
    with pytest.raises(ApiException) as info:
        fn(*args, **kwargs)
    assert info.value.status == status, f"expected HTTP {status}, got {info.value.status}: {info.value.body}"
    return error_body(info.value)


def all_pages(fetch, page_size: int = 100):
    """Every entity of a paged Genesys listing, following pageNumber up to pageCount."""
    first = fetch(page_size=page_size, page_number=1)
    entities = list(first.entities or [])
    for n in range(2, (first.page_count or 1) + 1):
        entities.extend(fetch(page_size=page_size, page_number=n).entities or [])
    return first, entities


# --------------------------------------------------------------------------- SDK clients


def _point_sdk_at(base_url: str) -> None:
    """Point the SDK's process-wide Configuration at the test server.

    Configuration is a singleton; ApiClient() copies its host and gateway settings at
    construction. A ~/.genesyscloudpython/config file may set a host or a gateway, which
    would redirect requests, so both are overridden here and again on every client.
    """
    cfg = Configuration()
    cfg.host = base_url
    cfg.gateway_configuration = None
    cfg.proxy = None
    cfg.access_token = ""
    gc.configuration.host = base_url


def _bound_transport(client) -> None:
    """Give the SDK's urllib3 pool a timeout and no silent retries of failed requests.

    The SDK's DefaultHttpClient ignores its timeout and retries every method (POST too) on
    read errors; a hung or crashing server should fail a test quickly and visibly instead.
    """
    try:
        import urllib3

        pool = client.get_http_client().rest_client.pool_manager
        pool.connection_pool_kw["timeout"] = urllib3.Timeout(connect=5.0, read=HTTP_TIMEOUT_S)
        pool.connection_pool_kw["retries"] = urllib3.Retry(total=2, connect=2, read=0, status=0, redirect=0)
    except Exception:  # the SDK's internals changed: keep its defaults
        pass


def new_api_client(base_url: str, access_token: str | None = None):
    """An ApiClient bound to the test server, optionally holding a bearer token."""
    _point_sdk_at(base_url)
    client = gc.api_client.ApiClient(host=base_url)
    client.gateway_configuration = None
    _bound_transport(client)
    assert client.host == base_url
    assert client.get_conf_url("api", client.host) == base_url
    assert client.get_conf_url("login", client.host) == base_url
    if access_token is not None:
        client.access_token = access_token
    return client


def password_token(server, username: str, password: str) -> str:
    """An access token acting as a user (password grant, admin client's Basic auth)."""
    resp = post_token(server.base_url, server.client_id, server.client_secret,
                      grant_type="password", username=username, password=password)
    assert resp.status == 200, f"password grant for {username}: HTTP {resp.status} {resp.body!r}"
    data = resp.json()
    assert isinstance(data.get("access_token"), str) and data["access_token"]
    return data["access_token"]
