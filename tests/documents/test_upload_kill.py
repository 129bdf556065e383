"""kill -9 during an upload, against a live gunicorn started as `make run` starts it (2 workers).

The worker is killed inside the worst window: the blob's file is on disk and the rows are written but
not committed. Afterwards no row is half-written (no blob, document or evidence row at all), the file
left behind is an orphan, `zona evidence gc --delete` removes it and `zona evidence verify` is clean.
A second kill lands while the body is still arriving: nothing at all is left. Runs on the database of
DATABASE_URL (a scratch database next to it on PostgreSQL, a scratch file on SQLite).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from zona.demo.regency import minimal_pdf

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveZona:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.media = tmp / "media"
        self.marker = tmp / "paused.pid"
        self.port = free_port()
        self.scratch_db = ""
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            self.scratch_db = f"zona_kill_{uuid.uuid4().hex[:8]}"
            self._pg("CREATE DATABASE " + self.scratch_db)
            database_url = url.rsplit("/", 1)[0] + "/" + self.scratch_db
        else:
            database_url = f"sqlite:///{tmp / 'zona.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zona.settings.production",
            "SECRET_KEY": "live-upload-test",
            "ZONA_VAR_DIR": str(tmp),
            "MEDIA_ROOT": str(self.media),
            "DATABASE_URL": database_url,
            "ZONA_TEST_PAUSE_MARKER": str(self.marker),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("REDIS_URL", None)
        self.server: subprocess.Popen[bytes] | None = None

    def _pg(self, sql: str) -> None:
        import psycopg

        admin = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def counts(self) -> dict[str, int]:
        tables = {
            "blobs": "SELECT count(*) FROM documents_blob",
            "documents": "SELECT count(*) FROM documents_document",
            "evidence": "SELECT count(*) FROM assessments_evidence",
        }
        if self.scratch_db:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                return {k: conn.execute(sql).fetchone()[0] for k, sql in tables.items()}
        import sqlite3

        conn = sqlite3.connect(self.tmp / "zona.sqlite3")
        try:
            return {k: conn.execute(sql).fetchone()[0] for k, sql in tables.items()}
        finally:
            conn.close()

    def zona(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "zona"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )

    def python(self, *args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "tests.documents.live_upload", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        assert self.zona("migrate", "--noinput", "-v0").returncode == 0
        self.server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "tests.documents.live_upload:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "120",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.scratch_db:
            self._pg(f"DROP DATABASE IF EXISTS {self.scratch_db} WITH (FORCE)")


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[LiveZona, dict]]:
    zona = LiveZona(tmp_path_factory.mktemp("live-upload"))
    try:
        zona.start()
        yield zona, zona.python("setup")
    finally:
        zona.stop()


def multipart(content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="uploads"; filename="SK Tim.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def headers(session: str, content_type: str, length: int) -> dict[str, str]:
    token = "k" * 32
    return {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "X-CSRFToken": token,
        "HX-Request": "true",
        "Content-Type": content_type,
        "Content-Length": str(length),
    }


def blob_files(zona: LiveZona) -> list[Path]:
    return sorted(p for p in (zona.media / "blobs").rglob("*") if p.is_file()) if zona.media.exists() else []


def test_kill_9_between_file_write_and_commit_leaves_no_row_and_gc_removes_the_file(live):
    zona, info = live
    body, content_type = multipart(minimal_pdf("SK Tim ZI"))
    outcome: dict[str, object] = {}

    def send() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", zona.port, timeout=60)
        try:
            conn.request(
                "POST", info["url"], body=body, headers=headers(info["session"], content_type, len(body))
            )
            outcome["status"] = conn.getresponse().status
        except (OSError, http.client.HTTPException) as exc:
            outcome["error"] = type(exc).__name__

    thread = threading.Thread(target=send)
    thread.start()
    deadline = time.time() + 60
    while not zona.marker.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert zona.marker.exists(), "the upload never reached the point before commit"
    time.sleep(0.1)
    worker = int(zona.marker.read_text())
    files = blob_files(zona)
    assert len(files) == 1  # the file is written; its rows wait for the commit
    os.kill(worker, signal.SIGKILL)
    thread.join(timeout=60)
    assert "status" not in outcome  # the client saw the connection drop, not a success
    zona.marker.unlink()

    assert zona.counts() == {"blobs": 0, "documents": 0, "evidence": 0}
    assert blob_files(zona) == files  # the orphan
    done = zona.zona("evidence", "gc", "--delete", "--min-age-minutes", "0")
    assert done.returncode == 0 and "DELETED 1 files" in done.stdout
    assert blob_files(zona) == []
    verify = zona.zona("evidence", "verify")
    assert verify.returncode == 0 and "OK: 0 blobs" in verify.stdout


def test_kill_9_while_the_body_arrives_leaves_nothing(live):
    zona, info = live
    body, content_type = multipart(minimal_pdf("Rencana kerja") + b"%" * (4 * 1024 * 1024))
    before = zona.counts()
    sock = socket.create_connection(("127.0.0.1", zona.port), timeout=30)
    head = f"POST {info['url']} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers(info["session"], content_type, len(body)).items()
    )
    sock.sendall(head.encode() + b"\r\n" + body[: len(body) // 2])
    time.sleep(0.5)
    workers = subprocess.run(
        ["pgrep", "-P", str(zona.server.pid)],
        capture_output=True,
        text=True,
        check=True,  # type: ignore[union-attr]
    ).stdout.split()
    for pid in workers:  # the worker reading this body is one of them
        os.kill(int(pid), signal.SIGKILL)
    sock.close()
    time.sleep(0.5)
    assert zona.counts() == before
    assert blob_files(zona) == []  # nothing for `zona evidence gc` to find either
