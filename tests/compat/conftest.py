"""Fixtures for the Genesys Cloud SDK compatibility suite.

One casefile server per test session (free loopback port, throwaway SQLite database in a
temporary directory, or the PostgreSQL database named by CASEFILE_TEST_DATABASE_URL), and
PureCloudPlatformClientV2 API clients pointed at it: one for the bootstrap admin OAuth
client (client credentials grant), and a factory for users (password grant).

Environment:
  CASEFILE_BIN                 the server binary (default: <repo>/target/debug/casefile)
  CASEFILE_TEST_DATABASE_URL   a postgres:// URL of a throwaway database (default: SQLite)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.configuration import Configuration

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import http_request, model, new_api_client, password_token, unique  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "casefile"

ADMIN_CLIENT_ID = "compat-admin-" + uuid.uuid4().hex[:8]
ADMIN_CLIENT_SECRET = "compat-secret-" + uuid.uuid4().hex  # the server wants >= 16 characters

STARTUP_TIMEOUT_S = 30.0

# Filled at teardown so that the terminal summary can show the server's log on failure
# (the temporary directory holding it is gone by then).
_SERVER_LOG_TAIL: list[str] = []

# --------------------------------------------------------------------------- server


@dataclass
class Server:
    base_url: str
    client_id: str
    client_secret: str
    database_url: str
    process: subprocess.Popen
    log_path: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict:
    # The server reads every CASEFILE_* variable as configuration and refuses unknown ones,
    # so start from an environment without them and set exactly what the suite needs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env["CASEFILE_ADMIN_CLIENT_ID"] = ADMIN_CLIENT_ID
    env["CASEFILE_ADMIN_CLIENT_SECRET"] = ADMIN_CLIENT_SECRET
    env["CASEFILE_RATE_LIMIT_PER_MINUTE"] = "0"
    env.setdefault("NO_COLOR", "1")  # plain log lines in failure reports
    return env


def _read_log(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _start(binary: Path, workdir: Path, database_url: str, attempt: int) -> Server:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / f"server-{attempt}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--database-url", database_url],
            cwd=workdir,
            env=_server_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"casefile serve exited with code {proc.returncode} before answering /healthz.\n"
                f"--- server output ({log_path}) ---\n{_read_log(log_path)}"
            )
        try:
            if http_request("GET", base_url + "/healthz").status == 200:
                return Server(base_url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, database_url, proc, log_path)
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    _stop(proc)
    raise RuntimeError(
        f"casefile serve did not answer GET /healthz with 200 within {STARTUP_TIMEOUT_S:.0f} s.\n"
        f"--- server output ({log_path}) ---\n{_read_log(log_path)}"
    )


@pytest.fixture(scope="session")
def server():
    binary = Path(os.environ.get("CASEFILE_BIN") or DEFAULT_BIN)
    if not binary.is_file() or not os.access(binary, os.X_OK):
        # Nothing can run without the server: stop the session with one clear message.
        pytest.exit(
            f"casefile binary not found or not executable at {binary} "
            "(build it with `cargo build`, or set CASEFILE_BIN)",
            returncode=1,
        )
    workdir = Path(tempfile.mkdtemp(prefix="casefile-compat-"))
    database_url = os.environ.get("CASEFILE_TEST_DATABASE_URL") or f"sqlite://{workdir}/casefile.db"
    srv = None
    error = None
    # The free port is found before the server binds it; retry if someone else took it.
    for attempt in range(3):
        try:
            srv = _start(binary, workdir, database_url, attempt)
            break
        except RuntimeError as e:
            error = e
            if "in use" not in str(e).lower():
                break
    if srv is None:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.exit(f"could not start the server: {error}", returncode=1)
    try:
        yield srv
    finally:
        _stop(srv.process)
        _SERVER_LOG_TAIL[:] = _read_log(srv.log_path).splitlines()[-80:]
        shutil.rmtree(workdir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if exitstatus != 0 and _SERVER_LOG_TAIL:
        terminalreporter.section("casefile server output (last 80 lines)")
        for line in _SERVER_LOG_TAIL:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.base_url


@pytest.fixture(scope="session")
def admin_client(server):
    """An ApiClient with the bootstrap admin client's token, got the SDK's own way."""
    client = new_api_client(server.base_url)
    returned = client.get_client_credentials_token(server.client_id, server.client_secret)
    assert returned is client
    assert isinstance(client.access_token, str) and client.access_token
    # APIs built without an explicit client fall back to Configuration().api_client.
    Configuration().api_client = client
    return client


@pytest.fixture
def users_api(admin_client):
    return gc.UsersApi(admin_client)


@pytest.fixture
def authz_api(admin_client):
    return gc.AuthorizationApi(admin_client)


@pytest.fixture(scope="session")
def home_division(admin_client):
    return gc.AuthorizationApi(admin_client).get_authorization_divisions_home()


@pytest.fixture
def user_client(server):
    """Factory: (email, password) -> ApiClient acting as that user.

    The SDK has no password-grant helper; like its own grant helpers it just keeps the
    token in ApiClient.access_token, which update_params_for_auth sends as a bearer.
    """

    def make(email: str, password: str):
        return new_api_client(server.base_url, password_token(server, email, password))

    return make


@pytest.fixture
def make_user(users_api, home_division):
    """Factory creating a user through post_users; returns (User, email, password)."""

    def make(division_id: str | None = None, password: str | None = None, name: str | None = None, **extra):
        email = unique("user").lower() + "@compat.example.com"
        body = model(
            gc.CreateUser,
            name=name or unique("Compat User"),
            email=email,
            division_id=division_id or home_division.id,
            state="active",
            **extra,
        )
        if password is not None:
            body.password = password
        user = users_api.post_users(body)
        assert isinstance(user, gc.User)
        return user, email, password

    return make


