"""`zona backup` / `zona restore` (issue 8): one archive with the database and the evidence files; a round
trip gives the same scores, the same files and a verifying audit chain; a damaged archive or a non-empty
database is refused before anything is touched; a failed restore leaves everything as it was."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_exports_support import add_evidence, fill, finalise, review
from zona.assessments.models import Answer, Assessment
from zona.assessments.selectors.core import assessment_score
from zona.assessments.services.answers import answer_save
from zona.audit.models import AuditEvent
from zona.audit.services import audit_verify
from zona.demo.regency import minimal_pdf
from zona.documents.models import Blob
from zona.ops import services

ROOT = Path(__file__).resolve().parents[2]
ZONA = Path(sys.executable).parent / "zona"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def build(regency) -> None:
    """A finalised assessment (frozen final_result), a draft with answers, evidence files, audit records."""
    period = open_period(regency)
    final = assessment_of(period, regency.unit_a)
    fill(final, regency.operator_a)
    for code in ("A.I.1.i.a", "A.I.1.i.b"):
        add_evidence(final, code, f"Bukti {code}", regency.operator_a, content=minimal_pdf(f"Bukti {code}"))
    review(final, period, regency.evaluator)
    finalise(final, period)
    draft = assessment_of(period, regency.unit_b)
    for code, value in (("A.I.1.i.a", "Ya"), ("A.I.1.i.b", "B")):
        answer_save(assessment=draft, item_code=code, value=value, actor=regency.operator_b)
    add_evidence(draft, "A.I.1.i.a", "SK", regency.operator_b, content=minimal_pdf("SK unit B"))


def file_hash(name: str) -> str:
    if not default_storage.exists(name):
        return "missing"
    with default_storage.open(name, "rb") as raw:
        return hashlib.sha256(raw.read()).hexdigest()


def state() -> dict:
    """What a restore must give back: scores, frozen results, answers, file contents, the audit chain."""
    return {
        "scores": {
            a.pk: (str(assessment_score(a).total), json.dumps(a.final_result, sort_keys=True), a.status)
            for a in Assessment.objects.order_by("pk")
        },
        "answers": sorted(Answer.objects.values_list("assessment_id", "item_code", "value", "version")),
        "files": {blob.file.name: file_hash(blob.file.name) for blob in Blob.objects.order_by("pk")},
        "blob_hashes_match": all(file_hash(b.file.name) == b.sha256 for b in Blob.objects.all()),
        "audit": list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")),
    }


def disk() -> dict[str, bytes]:
    return {name: default_storage.open(name).read() for name in services.storage_files(default_storage)}


def restore(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("restore", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def wipe_everything() -> None:
    """A new installation: migrated, empty, no files (as on the machine a backup is restored to)."""
    call_command("flush", interactive=False, verbosity=0)
    for name in services.storage_files(default_storage):
        default_storage.delete(name)


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_the_same_scores_files_and_a_verifying_chain(regency, media, tmp_path):
    build(regency)
    before = state()
    assert before["files"] and before["blob_hashes_match"]
    assert any(final != "null" for _total, final, _status in before["scores"].values())
    archive = tmp_path / "zona.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backup written" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: owner only

    wipe_everything()
    assert not Assessment.objects.exists() and not list(services.storage_files(default_storage))

    code, out_text, err = restore(archive)
    assert code == 0, err
    assert "chain intact" in out_text
    after = state()
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.event == "ops.restore"
    assert after["audit"][:-1] == before["audit"]  # the same chain, plus the record of the restore
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }
    assert audit_verify().ok
    # The restored site works on: a new audited write continues the chain.
    draft = Assessment.objects.get(unit=regency.unit_b)
    answer_save(assessment=draft, item_code="A.I.1.ii.a", value="Ya", actor=regency.operator_b)
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_and_force_replaces_it(regency, media, tmp_path):
    build(regency)
    before = state()
    archive = tmp_path / "zona.tar.gz"
    services.backup_create(archive)
    draft = Assessment.objects.get(unit=regency.unit_b)
    answer_save(assessment=draft, item_code="A.I.1.ii.a", value="Ya", actor=regency.operator_b)
    changed = state()

    code, _out, err = restore(archive)
    assert code == 1
    assert "not empty" in err and "--force" in err and "nothing was changed" in err
    assert state() == changed

    code, _out, err = restore(archive, "--force")
    assert code == 0, err
    after = state()
    assert after["answers"] == before["answers"] and after["scores"] == before["scores"]
    assert after["files"] == before["files"]
    assert audit_verify().ok


def rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing every (name, bytes) through `change` (None drops it)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        members = [(m.name, source.extractfile(m).read()) for m in source if m.isfile()]
        for name, data in members:
            result = change(name, data)
            for new_name, new_data in (
                [] if result is None else result if isinstance(result, list) else [result]
            ):
                info = tarfile.TarInfo(new_name)
                info.size = len(new_data)
                out.addfile(info, io.BytesIO(new_data))


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_naming_the_member_before_anything_is_touched(regency, media, tmp_path):
    build(regency)
    archive = tmp_path / "zona.tar.gz"
    services.backup_create(archive)
    blob = Blob.objects.order_by("pk").first()
    evidence = f"media/{blob.file.name}"
    changed = state()

    def altered_rows(name, data):
        if name.startswith("db/") and b'"Ya"' in data:
            return name, data.replace(b'"Ya"', b'"Tidak"', 1)
        return name, data

    def unlisted(name, data):
        if name == "manifest.json":  # an extra member goes in just before the manifest
            return [("media/blobs/zz/extra.pdf", b"pdf"), (name, data)]
        return name, data

    cases = {
        "altered file": (lambda n, d: (n, d + b"x") if n == evidence else (n, d), evidence),
        "missing file": (lambda n, d: None if n == evidence else (n, d), evidence),
        "unlisted file": (unlisted, "media/blobs/zz/extra.pdf"),
        "altered rows": (altered_rows, "db/"),
        "path outside": (lambda n, d: ("../evil.txt", d) if n == evidence else (n, d), "../evil.txt"),
    }
    for label, (change, named) in cases.items():
        damaged = tmp_path / f"{label.replace(' ', '-')}.tar.gz"
        rewrite(archive, damaged, change)
        code, _out, err = restore(damaged, "--force")
        assert code == 1, (label, err)
        assert named in err, (label, err)
        assert "nothing was changed" in err
        assert state() == changed, label


@pytest.mark.django_db
def test_not_an_archive_or_no_file_exits_2_with_one_line(regency, media, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a backup")
    for path in (junk, tmp_path / "absent.tar.gz"):
        code, _out, err = restore(path)
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_file_without_force(regency, media, tmp_path):
    archive = tmp_path / "zona.tar.gz"
    archive.write_bytes(b"older backup")
    with pytest.raises(SystemExit) as exit_:
        call_command("backup", str(archive), stderr=io.StringIO())
    assert exit_.value.code == 2 and archive.read_bytes() == b"older backup"
    call_command("backup", str(archive), "--force", stdout=io.StringIO())
    assert tarfile.is_tarfile(archive)


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_half_way_leaves_database_and_files_as_they_were(
    regency, media, tmp_path, monkeypatch
):
    build(regency)
    archive = tmp_path / "zona.tar.gz"
    services.backup_create(archive)
    # Since the backup: an answer changed, and one evidence file was damaged on disk.
    draft = Assessment.objects.get(unit=regency.unit_b)
    answer_save(assessment=draft, item_code="A.I.1.ii.a", value="Ya", actor=regency.operator_b)
    names = sorted(services.storage_files(default_storage))
    with default_storage.open(names[0], "wb") as damaged:
        damaged.write(b"damaged")
    for name in names[1:]:
        default_storage.delete(name)
    before = state() | {
        "disk": {n: default_storage.open(n).read() for n in services.storage_files(default_storage)}
    }

    real_write = services._FileUndo.write
    calls = []

    def failing_write(self, name, source):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(self, name, source)

    monkeypatch.setattr(services._FileUndo, "write", failing_write)
    with pytest.raises(OSError, match="disk full"):
        services.backup_restore(archive, force=True)
    after = state() | {
        "disk": {n: default_storage.open(n).read() for n in services.storage_files(default_storage)}
    }
    assert len(calls) == 2
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_an_archive_restores_into_a_new_sqlite_database_through_the_cli(regency, media, tmp_path):
    """Portable JSON: whatever database the suite runs on (SQLite or PostgreSQL), the archive restores into
    a fresh SQLite installation by `zona migrate` + `zona restore`, with the same scores and a valid chain."""
    build(regency)
    expected = state()
    archive = tmp_path / "zona.tar.gz"
    services.backup_create(archive)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zona.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
        "ZONA_VAR_DIR": str(tmp_path / "var"),
    }

    def zona(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ZONA), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )

    assert zona("migrate", "-v0").returncode == 0
    result = zona("restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "chain intact" in result.stdout
    verify = zona("audit", "verify")
    assert verify.returncode == 0 and "chain intact" in verify.stdout
    scores = zona(
        "shell",
        "-c",
        "import json; from zona.assessments.models import Assessment; "
        "from zona.assessments.selectors.core import assessment_score; "
        "print(json.dumps({a.pk: [str(assessment_score(a).total), json.dumps(a.final_result, sort_keys=True),"
        " a.status] for a in Assessment.objects.order_by('pk')}))",
    )
    assert scores.returncode == 0, scores.stderr
    got = {int(k): tuple(v) for k, v in json.loads(scores.stdout.strip().splitlines()[-1]).items()}
    assert got == expected["scores"]


@pytest.mark.django_db(transaction=True)
def test_rows_that_cannot_be_loaded_roll_everything_back(regency, media, tmp_path):
    """A consistent manifest over inconsistent rows (units without their instansi): exit 1, no change."""
    build(regency)
    archive = tmp_path / "zona.tar.gz"
    services.backup_create(archive)
    changed = state()
    dropped = None

    def drop_instansi(name, data):
        nonlocal dropped
        if name.startswith("db/") and name.endswith("-units-instansi.json"):
            dropped = name
            return None
        return name, data

    partial = tmp_path / "partial.tar.gz"
    rewrite(archive, partial, drop_instansi)
    assert dropped is not None

    def fix_manifest(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["entries"] = [e for e in manifest["entries"] if e["path"] != dropped]
        del manifest["rows"]["units.instansi"]
        return name, json.dumps(manifest).encode()

    broken = tmp_path / "broken.tar.gz"
    rewrite(partial, broken, fix_manifest)
    code, _out, err = restore(broken, "--force")
    assert code == 1, err
    assert "could not be loaded" in err and "nothing was changed" in err
    assert len(err.strip().splitlines()) == 1
    assert state() == changed
    assert audit_verify().ok
