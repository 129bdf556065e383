"""Keeping the blob store and the database in step: orphan files (`gc`) and re-hashing (`verify`).

A blob's file is written before its row is committed (inside the upload's transaction), so a crash or a
rolled-back upload can leave a file with no row, never a row without its file. `orphan_files` finds
those files under MEDIA_ROOT/blobs/; files younger than `min_age` are left alone, because they may belong
to an upload still running. `verify_blobs` re-hashes every blob's file against its row.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .models import Blob

BLOB_DIR = "blobs"
CHUNK = 1024 * 1024


@dataclass
class Orphans:
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    young: int = 0  # orphans left alone because they are younger than min_age
    kept: int = 0  # files that have a row


def _blob_files(root: Path) -> Iterator[Path]:
    base = root / BLOB_DIR
    if base.is_dir():
        yield from (path for path in base.rglob("*") if path.is_file())


def orphan_files(*, min_age_seconds: float = 3600, now: float | None = None) -> Orphans:
    root = Path(settings.MEDIA_ROOT)
    known = set(Blob.objects.values_list("file", flat=True))
    now = time.time() if now is None else now
    found = Orphans()
    for path in sorted(_blob_files(root)):
        if path.relative_to(root).as_posix() in known:
            found.kept += 1
            continue
        stat = path.stat()
        if now - stat.st_mtime < min_age_seconds:
            found.young += 1
            continue
        found.files.append(path)
        found.bytes += stat.st_size
    return found


def delete_orphans(orphans: Orphans) -> int:
    """Delete the orphan files (each re-checked against the database just before) and empty folders."""
    deleted = 0
    root = Path(settings.MEDIA_ROOT)
    for path in orphans.files:
        if Blob.objects.filter(file=path.relative_to(root).as_posix()).exists():
            continue  # a row appeared meanwhile
        path.unlink(missing_ok=True)
        deleted += 1
        parent = path.parent
        if parent != root / BLOB_DIR and not any(parent.iterdir()):
            parent.rmdir()
    return deleted


@dataclass
class Problem:
    blob_id: int
    name: str
    reason: str


@dataclass
class Verification:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify_blobs() -> Verification:
    root = Path(settings.MEDIA_ROOT)
    report = Verification()
    for blob in Blob.objects.order_by("pk").iterator():
        report.checked += 1
        name = blob.file.name or ""
        path = root / name
        try:
            digest, size = sha256_of(path)
        except FileNotFoundError:
            report.problems.append(Problem(blob.pk, name, "missing"))
            continue
        except OSError as exc:
            report.problems.append(Problem(blob.pk, name, f"unreadable ({exc.strerror})"))
            continue
        if digest != blob.sha256:
            report.problems.append(Problem(blob.pk, name, f"sha256 mismatch (file has {digest})"))
        elif size != blob.size:
            report.problems.append(Problem(blob.pk, name, f"size {size} != {blob.size}"))
    return report
