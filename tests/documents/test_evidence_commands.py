"""`zona evidence gc` and `zona evidence verify`."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from zona.demo.regency import minimal_pdf
from zona.documents.models import Blob
from zona.documents.services import document_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("evidence", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def stored(regency, title: str) -> Blob:
    return document_store(
        instansi=regency.instansi,
        uploaded=SimpleUploadedFile(f"{title}.pdf", minimal_pdf(title)),
        kind="lainnya",
        actor=regency.koordinator,
    ).blob


def orphan(media: Path, name: str, age_seconds: float = 7200) -> Path:
    path = media / "blobs" / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 left by a crash")
    old = time.time() - age_seconds
    os.utime(path, (old, old))
    return path


def test_gc_is_a_dry_run_unless_told_to_delete(regency, media):
    blob = stored(regency, "Pakta")
    old = orphan(media, "ab" + "0" * 62 + ".pdf")
    young = orphan(media, "cd" + "0" * 62 + ".pdf", age_seconds=10)
    code, out, _ = run("gc")
    assert code == 0
    assert f"orphan: {old}" in out
    assert "DRY RUN: 1 orphan files (24 bytes), 1 files with a row, 1 younger than 60 min left alone" in out
    assert old.exists() and young.exists()
    code, out, _ = run("gc", "--delete")
    assert "DELETED 1 files" in out
    assert not old.exists() and not old.parent.exists() and young.exists()
    assert (media / blob.file.name).exists()
    run("gc", "--delete", "--min-age-minutes", "0")
    assert not young.exists() and (media / blob.file.name).exists()
    assert run("gc")[1].startswith("DRY RUN: 0 orphan files")


def test_a_rolled_back_upload_leaves_a_file_that_gc_removes(regency, media):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        stored(regency, "Dibatalkan")
        raise RuntimeError("the upload's transaction fails after the file was written")
    assert not Blob.objects.exists()
    assert len(list((media / "blobs").rglob("*.pdf"))) == 1
    code, out, _ = run("gc", "--delete", "--min-age-minutes", "0")
    assert code == 0 and "DELETED 1 files" in out
    assert not list((media / "blobs").rglob("*.pdf"))


def test_verify_names_every_missing_or_changed_file_and_exits_1(regency, media):
    first, second, third = stored(regency, "Satu"), stored(regency, "Dua"), stored(regency, "Tiga")
    assert run("verify") == (0, "OK: 3 blobs, every file present and matching its sha256\n", "")
    (media / first.file.name).unlink()
    (media / second.file.name).write_bytes(b"%PDF-1.4 tampered")
    code, out, err = run("verify")
    assert code == 1 and out == ""
    assert f"BAD blob #{first.pk} {first.file.name}: missing" in err
    assert f"BAD blob #{second.pk} {second.file.name}: sha256 mismatch" in err
    assert third.file.name not in err and "2 of 3 blobs failed" in err


def test_gc_refuses_a_negative_age(media):
    code, _, err = run("gc", "--min-age-minutes", "-1")
    assert code == 2 and "0 or more" in err
