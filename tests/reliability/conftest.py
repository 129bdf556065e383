"""A live Zona server started as `make run` starts it: gunicorn, 2 workers, `zona.wsgi`, production settings
(`tests.reliability.settings`: production's, with static files hashed but not gzip/brotli-compressed).

Each test session gets its own temporary ZONA_VAR_DIR (on tmpfs when there is one), a free port and, when
DATABASE_URL is set, its own PostgreSQL database `<name>_live` (created and dropped here). The database is
set up by `tests.reliability.seed` in a subprocess; `tests.reliability.probe` reads it back. The only
addition to `make run` is `gunicorn_hooks.py`, whose fault hook lets a test kill -9 a worker mid-transaction.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tmp_root() -> str | None:
    shm = Path("/dev/shm")  # noqa: S108 — SQLite on tmpfs: migrations do not wait for fsync
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _live_database_url(base: str) -> tuple[str, str] | None:
    """(url of the live server's own database, its name) when the suite runs on PostgreSQL."""
    if not base or not base.startswith(("postgres://", "postgresql://")):
        return None
    parts = urllib.parse.urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'zona'}_live"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(base)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    stall_dir: Path
    seed: dict[str, Any]
    process: subprocess.Popen[bytes]
    log: Path

    def probe(self) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "tests.reliability.probe", str(self.seed["assessment"])],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        return json.loads(out.stdout)

    def worker_pids(self) -> set[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return {int(pid) for pid in out.stdout.split()}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Client:
    """One browser: its own cookies; logs in like a person and posts like the worksheet's autosave."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")  # type: ignore[misc]

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 30,
    ) -> tuple[int, str]:
        all_headers = dict(headers or {})
        if method == "POST":
            all_headers.setdefault("X-CSRFToken", self.csrf())
            all_headers.setdefault("Referer", self.base + path)
            if body is None:
                body = urllib.parse.urlencode(data or {}).encode()
                all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path, data=body, headers=all_headers, method=method
        )
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def upload(
        self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes
    ) -> tuple[int, str]:
        boundary = "zona-live-boundary-7f3a"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def login(self, username: str, password: str) -> None:
        status, _ = self.request("GET", "/akun/masuk/")
        assert status == 200
        status, body = self.request("POST", "/akun/masuk/", {"username": username, "password": password})
        assert status == 302, body[:500]

    def save(
        self, assessment: int, code: str, value: str, version: int, narrative: str = ""
    ) -> tuple[int, str]:
        return self.request(
            "POST",
            f"/penilaian/{assessment}/butir/{urllib.parse.quote(code)}/",
            {"value": value, "version": str(version), "narrative": narrative},
            headers={"HX-Request": "true"},
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302


VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')


def version_in(body: str) -> int | None:
    match = VERSION.search(body)
    return int(match.group(1)) if match else None


@pytest.fixture(scope="session")
def live_server_proc() -> Iterator[LiveServer]:
    var_dir = Path(tempfile.mkdtemp(prefix="zona-live-", dir=_tmp_root()))
    stall_dir = var_dir / "stall"
    stall_dir.mkdir()
    base_db = os.environ.get("DATABASE_URL", "")
    live_db = _live_database_url(base_db)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "ZONA_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.reliability.settings",  # production, minus static pre-compression
        SECRET_KEY="live-reliability-test-key",
        ZONA_VAR_DIR=str(var_dir),
        ZONA_STALL_DIR=str(stall_dir),
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    if live_db is not None:
        env["DATABASE_URL"] = live_db[0]
        _pg_admin(base_db, f'DROP DATABASE IF EXISTS "{live_db[1]}" WITH (FORCE)')
        _pg_admin(base_db, f'CREATE DATABASE "{live_db[1]}"')
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.reliability.seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr.decode()[-3000:]
    seed = json.loads(seeded.stdout)
    port = _free_port()
    log = var_dir / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # as `make run` starts it, with the fault hook
        [
            str(gunicorn),
            "zona.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--config",
            str(HERE / "gunicorn_hooks.py"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.2)
    server = LiveServer(url=url, env=env, stall_dir=stall_dir, seed=seed, process=process, log=log)
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if live_db is not None:
            _pg_admin(base_db, f'DROP DATABASE IF EXISTS "{live_db[1]}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture
def live(live_server_proc: LiveServer) -> LiveServer:
    return live_server_proc


@pytest.fixture(scope="session")
def operators(live_server_proc: LiveServer) -> list[Client]:
    """One logged-in browser per operator of the unit (logging in once: password hashing is slow)."""
    logged_in = []
    for username in live_server_proc.seed["operators"]:
        client = Client(live_server_proc.url)
        client.login(username, live_server_proc.seed["password"])
        logged_in.append(client)
    return logged_in
