"""A request body over the limit is refused before it is read (413, an Indonesian message, HTMX-friendly)."""

from __future__ import annotations

import io
import time

import pytest
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, override_settings

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Evidence
from zona.documents.models import Blob

pytestmark = pytest.mark.django_db

BOUNDARY = "zonaboundary"


class CountingBody(io.RawIOBase):
    """A multipart body of `size` bytes made up on the fly; counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="uploads"; filename="besar.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        start = self.read_bytes
        self.read_bytes += n
        if start < len(self.head):
            chunk = self.head[start : start + n]
            return chunk + b"0" * (n - len(chunk))
        return b"0" * n

    def readline(self, size: int = -1) -> bytes:  # type: ignore[override]
        return self.read(size if size and size > 0 else 65536)


def _post(url: str, cookies: Client, size: int, *, htmx: bool = True, content_length: bool = True):
    body = CountingBody(size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "HTTP_COOKIE": "; ".join(f"{k}={v.value}" for k, v in cookies.cookies.items()),
        "HTTP_X_CSRFTOKEN": cookies.cookies["csrftoken"].value,
    }
    if content_length:
        environ["CONTENT_LENGTH"] = str(size)
    else:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    if htmx:
        environ["HTTP_HX_REQUEST"] = "true"
    status: list[str] = []
    started = time.perf_counter()
    # as Django's test client does: the handler must not close the test's database connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
        content = b"".join(chunks)
        chunks.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(status[0].split()[0]), content.decode(), body.read_bytes, time.perf_counter() - started


@pytest.fixture
def operator_client(regency):
    client = Client()
    client.force_login(regency.operator_a)
    client.get("/")  # sets the CSRF cookie
    client.cookies["csrftoken"] = client.cookies.get("csrftoken") or "x" * 32
    return client


@pytest.fixture
def upload_url(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    return f"/penilaian/{assessment.pk}/butir/A.I.1.i.a/data-dukung/unggah/"


def test_a_200_mb_body_is_refused_before_it_is_read(operator_client, upload_url):
    status, html, read, seconds = _post(upload_url, operator_client, 200 * 1024 * 1024)
    print(f"200 MB body: status {status}, {read} bytes read, {seconds:.3f} s")
    assert status == 413
    assert read == 0
    assert "terlalu besar" in html and "MB" in html
    assert not Evidence.objects.exists() and not Blob.objects.exists()


def test_the_refusal_is_a_page_without_htmx(operator_client, upload_url):
    status, html, read, _ = _post(upload_url, operator_client, 200 * 1024 * 1024, htmx=False)
    assert status == 413 and read == 0
    assert "<html" in html and "terlalu besar" in html


@override_settings(ZONA_REQUEST_MAX_MB=1, ZONA_UPLOAD_MAX_MB=1)
def test_the_limit_is_a_setting(operator_client, upload_url):
    status, _, read, _ = _post(upload_url, operator_client, 2 * 1024 * 1024)
    assert status == 413 and read == 0


def test_htmx_refusal_is_placed_on_top_of_the_forms_target(operator_client, upload_url):
    environ_target = "bukti-A-I-1-i-a"
    response = operator_client.post(
        upload_url,
        data=b"x",
        content_type="multipart/form-data; boundary=zonaboundary",
        headers={"HX-Request": "true", "HX-Target": environ_target, "Content-Length": "99999999999"},
    )
    assert response.status_code == 413
    assert response["HX-Retarget"] == f'[id="{environ_target}"]' and response["HX-Reswap"] == "afterbegin"
    assert 'role="alert"' in response.content.decode()


def test_a_chunked_body_without_length_is_not_read(operator_client, upload_url):
    status, _html, read, _ = _post(upload_url, operator_client, 200 * 1024 * 1024, content_length=False)
    assert read == 0 and status == 200
    assert not Evidence.objects.exists() and not Blob.objects.exists()


@override_settings(ZONA_UPLOAD_MAX_MB=1, ZONA_REQUEST_MAX_MB=5)
def test_one_file_over_the_file_limit_is_refused_by_name_and_not_kept_whole(
    operator_client, upload_url, monkeypatch
):
    from zona.documents import limits

    kept: list[int] = []
    original = limits.CappedTemporaryFileUploadHandler.file_complete

    def spy(self, file_size):
        uploaded = original(self, file_size)
        uploaded.file.seek(0, 2)
        kept.append(uploaded.file.tell())
        uploaded.file.seek(0)
        return uploaded

    monkeypatch.setattr(limits.CappedTemporaryFileUploadHandler, "file_complete", spy)
    big = SimpleUploadedFile("laporan besar.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    response = operator_client.post(upload_url, {"uploads": [big]}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "laporan besar.pdf terlalu besar (maksimal 1 MB)" in html
    assert kept == [1024 * 1024 + 1]
    assert not Evidence.objects.exists() and not Blob.objects.exists()
