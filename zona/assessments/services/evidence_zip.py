"""All current evidence of an assessment as one ZIP, arranged by LKE code (what a PMPZI submission needs).

Layout: `<item code>/<nn> - <title>.<ext>` for files, `<item code>/<nn> - <title>.url` for links (an
Internet shortcut any desktop opens), and `indeks.csv` listing every entry with its source. The archive is
written into a spooled temporary file (memory up to a limit, then disk), copying each file in chunks.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from typing import IO

from django.utils import timezone

from zona.documents.views import safe_filename
from zona.lke.excel import safe_text

from ..models import Assessment, Evidence
from ..selectors.core import engine_for

INDEX_NAME = "indeks.csv"
SPOOL_BYTES = 16 * 1024 * 1024


def evidence_zip_filename(assessment: Assessment) -> str:
    return f"Data dukung {assessment.unit.slug} {assessment.period.year}.zip"


def _entry_name(code: str, number: int, title: str, ext: str) -> str:
    stem = title
    if ext and stem.lower().endswith(f".{ext.lower()}"):
        stem = stem[: -len(ext) - 1]
    stem = safe_filename(stem, fallback="data dukung")
    return f"{safe_filename(code, fallback='lainnya')}/{number:02d} - {stem}.{ext or 'bin'}"


def evidence_zip_build(*, assessment: Assessment) -> IO[bytes]:
    """The ZIP of the assessment's current (not removed) evidence, positioned at its start."""
    framework = engine_for(assessment)
    order = {code: item.order for code, item in framework.items.items()}
    evidence = sorted(
        Evidence.objects.filter(assessment=assessment, removed_at__isnull=True)
        .select_related("document__blob", "added_by")
        .order_by("item_code", "added_at", "pk"),
        key=lambda e: (order.get(e.item_code, len(order)), e.item_code, e.added_at, e.pk),
    )
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (handed to the response)
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(
        [
            "kode_butir",
            "no",
            "judul",
            "jenis",
            "berkas_dalam_zip",
            "tautan",
            "sha256",
            "ditambahkan_oleh",
            "ditambahkan_pada",
        ]
    )
    numbers: dict[str, int] = {}
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in evidence:
            number = numbers[entry.item_code] = numbers.get(entry.item_code, 0) + 1
            added = timezone.localtime(entry.added_at).strftime("%Y-%m-%d %H:%M")
            if entry.document is not None:
                blob = entry.document.blob
                ext = (blob.file.name or "").rsplit(".", 1)[-1] if "." in (blob.file.name or "") else ""
                name = _entry_name(entry.item_code, number, entry.title or entry.document.title, ext)
                with blob.file.open("rb") as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
                writer.writerow(
                    [
                        entry.item_code,
                        number,
                        safe_text(entry.title),
                        "berkas",
                        name,
                        "",
                        blob.sha256,
                        safe_text(str(entry.added_by)),
                        added,
                    ]
                )
            else:
                name = _entry_name(entry.item_code, number, entry.title or "tautan", "url")
                archive.writestr(name, f"[InternetShortcut]\r\nURL={entry.url}\r\n")
                writer.writerow(
                    [
                        entry.item_code,
                        number,
                        safe_text(entry.title),
                        "tautan",
                        name,
                        entry.url,
                        "",
                        safe_text(str(entry.added_by)),
                        added,
                    ]
                )
        archive.writestr(INDEX_NAME, "\ufeff" + index.getvalue())
    spool.seek(0)
    return spool  # type: ignore[return-value]
