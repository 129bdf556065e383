"""`zona backup` / `zona restore`: the database and the evidence files in one archive, with a manifest.

The archive is a gzip tar:

    db/0001-accounts-user.json ...   every row of every model (Django's JSON serialisation, primary keys
                                     kept, datetimes to the microsecond), one file per model, in
                                     dependency order; the same JSON loads into SQLite and PostgreSQL
    media/blobs/ab/ab12....pdf ...   every file of the default storage (MEDIA_ROOT): evidence, documents
    manifest.json                    format, schema (applied migrations), row counts, and the SHA-256 and
                                     size of every other member

Primary keys are kept, not replaced by natural keys: the audit chain hashes the ids it names (actor_id,
unit_id, object ids), so a restored chain verifies only if every id is the same. That is also why the
content types and permissions travel too: restore empties every table first (the target was just
migrated, or --force was given) and loads the archive's rows in their place.

Restore reads and checks the whole archive against its manifest before it touches anything, then empties
and loads the database and writes the files in one transaction: if anything fails the database is rolled
back and every file written is put back as it was. Sessions are not backed up (everyone signs in again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "zona-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
# Not carried: logins in progress. Everyone signs in again after a restore.
SKIPPED_MODELS = {"sessions.session"}
# Rows that `migrate` itself creates: a just-migrated database holding only these counts as empty.
MIGRATE_MADE = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Models a data migration fills in part: only the rows outside these filters make a database non-empty.
MIGRATE_MADE_ROWS = {"zona_calendar.cutibersama": {"instansi__isnull": True}}  # shipped national days


class BackupError(Exception):
    """A problem the CLI reports in one line; `exit_code` 2 for unusable input, 1 for a refusal."""

    exit_code = 2


class ArchiveMismatch(BackupError):
    """The archive does not match its own manifest (damaged or altered): nothing was touched."""

    exit_code = 1


class RestoreRefused(BackupError):
    """The target is not one this archive may be restored into (not empty, another schema)."""

    exit_code = 1


class RestoreFailed(BackupError):
    """Loading failed half-way: the transaction was rolled back and the files put back."""

    exit_code = 1


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; the audit chain hashes them to the microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int]
    files: int
    file_bytes: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class RestoreReport:
    rows: dict[str, int]
    files_written: int
    files_unchanged: int
    audit_records: int
    audit_ok: bool
    audit_reason: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class VerifiedArchive:
    """An archive unpacked into `folder` whose every member matched the manifest."""

    folder: Path
    manifest: dict[str, Any]
    archive_sha256: str
    db_files: list[Path] = field(default_factory=list)
    media: list[tuple[str, Path, str]] = field(default_factory=list)  # (storage name, file, sha256)


# ---------------------------------------------------------------------------------------------- backup


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete, managed model, parents before the models that point to them where possible."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model
        for model in ordered
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in SKIPPED_MODELS
    ]


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage`, recursively (an absent MEDIA_ROOT holds nothing)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(dirs):
        yield from storage_files(storage, posixpath.join(folder, name) if folder else name)


class _HashingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, name: str, raw: IO[bytes], size: int, entries: list[dict[str, Any]]) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    reader = _HashingReader(raw)
    tar.addfile(info, reader)  # type: ignore[arg-type]
    if reader.size != size:
        raise BackupError(f"{name} changed size while it was being backed up; run the backup again")
    entries.append({"path": name, "sha256": reader.digest.hexdigest(), "size": size})


def backup_create(path: Path, *, storage: Storage | None = None, overwrite: bool = False) -> BackupReport:
    """Write the archive to `path` (through a temporary name, so there is never half an archive there)."""
    storage = storage or default_storage
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already (give --force to replace it)")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    entries: list[dict[str, Any]] = []
    rows: dict[str, int] = {}
    files = file_bytes = 0
    try:
        partial.touch(mode=0o600)  # password hashes and personal data: readable by its owner only
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar, tempfile.TemporaryDirectory() as scratch:
            with transaction.atomic():
                if connection.vendor == "postgresql" and not _in_outer_transaction():
                    with connection.cursor() as cursor:  # one snapshot for every table
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                migrations = applied_migrations()
                for number, model in enumerate(backed_up_models(), start=1):
                    queryset = model._base_manager.order_by(model._meta.pk.name)
                    count = queryset.count()
                    if not count:
                        continue
                    label = model._meta.label_lower
                    dump = Path(scratch) / f"{number:04d}-{label.replace('.', '-')}.json"
                    with dump.open("w", encoding="utf-8") as stream:
                        serializers.serialize(
                            "json", queryset.iterator(chunk_size=2000), stream=stream, cls=ExactJSONEncoder
                        )
                    rows[label] = count
                    with dump.open("rb") as raw:
                        _add(tar, f"db/{dump.name}", raw, dump.stat().st_size, entries)
                    dump.unlink()
            for name in storage_files(storage):
                size = storage.size(name)
                with storage.open(name, "rb") as raw:
                    _add(tar, f"media/{name}", raw, size, entries)
                files += 1
                file_bytes += size
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "rows": rows,
                "entries": entries,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    except OSError as error:
        raise BackupError(f"could not write {path}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(path=path, rows=rows, files=files, file_bytes=file_bytes)


def _in_outer_transaction() -> bool:
    # Called inside the atomic block just opened: a savepoint means it is nested in another transaction,
    # where a query may have run already and the isolation level can no longer be chosen.
    return bool(connection.savepoint_ids)


# ----------------------------------------------------------------------------------------- verify


def _member_name(name: str) -> str:
    """The member's name if it is a plain relative path under db/ or media/ (or the manifest)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise ArchiveMismatch(f"{name}: unsafe path in the archive")
    clean = path.as_posix()
    if clean != MANIFEST and path.parts[0] not in ("db", "media"):
        raise ArchiveMismatch(f"{name}: not part of a Zona backup")
    return clean


def backup_verify(path: Path, folder: Path) -> VerifiedArchive:
    """Unpack `path` into `folder` and check every member against the manifest (no database access)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    archive_digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            archive_digest.update(chunk)
    found: dict[str, tuple[str, int]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = _member_name(member.name)
                if not member.isfile():
                    raise ArchiveMismatch(f"{name}: not a regular file (links are not accepted)")
                if name in found or (name == MANIFEST and manifest_bytes is not None):
                    raise ArchiveMismatch(f"{name}: appears twice in the archive")
                source = tar.extractfile(member)
                assert source is not None
                if name == MANIFEST:
                    manifest_bytes = source.read(16 * CHUNK)
                    continue
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    for chunk in iter(lambda: source.read(CHUNK), b""):  # noqa: B023
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = (digest.hexdigest(), size)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path}: not a readable Zona backup ({error})") from error
    if manifest_bytes is None:
        raise BackupError(f"{path}: no {MANIFEST} (not a Zona backup)")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise ArchiveMismatch(f"{MANIFEST}: not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a Zona backup (format is not {FORMAT!r})")
    if manifest.get("version") != VERSION:
        version = manifest.get("version")
        raise BackupError(f"{path}: backup format version {version!r}; this Zona reads {VERSION}")
    listed: dict[str, dict[str, Any]] = {}
    for entry in manifest.get("entries", []):
        listed[_member_name(str(entry.get("path", "")))] = entry
    for name, entry in listed.items():
        if name not in found:
            raise ArchiveMismatch(f"{name}: listed in the manifest but missing from the archive")
        sha256, size = found[name]
        if sha256 != entry.get("sha256") or size != entry.get("size"):
            raise ArchiveMismatch(f"{name}: SHA-256 or size differs from the manifest")
    for name in found:
        if name not in listed:
            raise ArchiveMismatch(f"{name}: in the archive but not in the manifest")
    verified = VerifiedArchive(folder=folder, manifest=manifest, archive_sha256=archive_digest.hexdigest())
    for name in sorted(found):
        if name.startswith("db/"):
            verified.db_files.append(folder / name)
        else:
            verified.media.append((name.removeprefix("media/"), folder / name, found[name][0]))
    return verified


# ---------------------------------------------------------------------------------------- restore


def database_rows() -> dict[str, int]:
    """Rows per model, leaving out what `migrate` makes on its own."""
    counts = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in MIGRATE_MADE:
            continue
        rows = model._base_manager.all()
        if label in MIGRATE_MADE_ROWS:
            rows = rows.exclude(**MIGRATE_MADE_ROWS[label])
        count = rows.count()
        if count:
            counts[label] = count
    return counts


def _flush_every_table() -> None:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    connection.ops.execute_sql_flush(statements)


def _sha256_of(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as raw:
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _FileUndo:
    """What restore changed in the storage, to put back if the restore fails."""

    def __init__(self, storage: Storage, scratch: Path) -> None:
        self.storage = storage
        self.scratch = scratch
        self.created: list[str] = []
        self.replaced: list[tuple[str, Path]] = []

    def write(self, name: str, source: Path) -> None:
        if self.storage.exists(name):
            keep = self.scratch / f"{len(self.replaced):06d}"
            with self.storage.open(name, "rb") as old, keep.open("wb") as out:
                shutil.copyfileobj(old, out, CHUNK)
            self.storage.delete(name)
            self.replaced.append((name, keep))
        else:
            self.created.append(name)
        with source.open("rb") as raw:
            saved = self.storage.save(name, File(raw, name=name))
        if saved != name:
            self.storage.delete(saved)
            raise BackupError(f"media/{name}: the storage stored it as {saved}")

    def undo(self) -> None:
        for name in self.created:
            if self.storage.exists(name):
                self.storage.delete(name)
        for name, keep in self.replaced:
            if self.storage.exists(name):
                self.storage.delete(name)
            with keep.open("rb") as raw:
                self.storage.save(name, File(raw, name=name))


def backup_restore(path: Path, *, force: bool = False, storage: Storage | None = None) -> RestoreReport:
    """Check the archive, then replace the database's rows and write its files, all or nothing."""
    from zona.audit.services import audit_record, audit_verify

    storage = storage or default_storage
    with tempfile.TemporaryDirectory(prefix="zona-restore-") as scratch_name:
        scratch = Path(scratch_name)
        unpacked = scratch / "archive"
        unpacked.mkdir()
        verified = backup_verify(Path(path), unpacked)
        manifest = verified.manifest
        here = applied_migrations()
        if manifest.get("migrations") != here:
            raise RestoreRefused(_schema_difference(manifest.get("migrations") or {}, here))
        present = database_rows()
        if present and not force:
            sample = ", ".join(f"{label} ({count})" for label, count in list(present.items())[:3])
            raise RestoreRefused(
                f"the database is not empty ({sample}...): restore into a new, migrated database, "
                "or give --force to replace everything in it"
            )
        undo_dir = scratch / "undo"
        undo_dir.mkdir()
        files = _FileUndo(storage, undo_dir)
        unchanged = 0
        try:
            with transaction.atomic():
                _flush_every_table()
                if verified.db_files:
                    call_command("loaddata", *[str(p) for p in verified.db_files], verbosity=0)
                restored = {
                    model._meta.label_lower: model._base_manager.count() for model in backed_up_models()
                }
                for label, count in (manifest.get("rows") or {}).items():
                    if restored.get(label) != count:
                        raise ArchiveMismatch(
                            f"{label}: {restored.get(label)} rows loaded, the manifest says {count}"
                        )
                for name, source, sha256 in verified.media:
                    if storage.exists(name) and _sha256_of(storage, name) == sha256:
                        unchanged += 1
                        continue
                    files.write(name, source)
                audit_record(
                    event="ops.restore",
                    changes={
                        "archive_sha256": verified.archive_sha256,
                        "backup_created_at": manifest.get("created_at"),
                        "backup_database": manifest.get("database"),
                        "rows": sum((manifest.get("rows") or {}).values()),
                        "files": len(verified.media),
                    },
                )
                report = audit_verify()
        except (DatabaseError, DeserializationError, CommandError) as error:
            files.undo()
            reason = " ".join(str(error).split())[:500]  # one line, whatever the database said
            raise RestoreFailed(f"the archive's rows could not be loaded ({reason})") from error
        except BaseException:
            files.undo()
            raise
    rows = {k: v for k, v in restored.items() if v}
    return RestoreReport(
        rows=rows,
        files_written=len(files.created) + len(files.replaced),
        files_unchanged=unchanged,
        audit_records=report.checked,
        audit_ok=report.ok,
        audit_reason=report.reason,
    )


def _schema_difference(theirs: dict[str, list[str]], ours: dict[str, list[str]]) -> str:
    for app in sorted(set(theirs) | set(ours)):
        only_backup = sorted(set(theirs.get(app, [])) - set(ours.get(app, [])))
        only_here = sorted(set(ours.get(app, [])) - set(theirs.get(app, [])))
        if only_backup or only_here:
            detail = (
                f"the backup has {app}.{only_backup[0]} which this database has not"
                if only_backup
                else f"this database has {app}.{only_here[0]} which the backup has not"
            )
            return (
                f"schema differs: {detail}; run `zona migrate` first, or restore with the Zona version "
                "that made the backup and then upgrade"
            )
    return "schema differs"
