"""Looking inside uploaded files before they are kept: office packages and PDFs.

Office files (docx/xlsx/pptx, odt/ods) are ZIP packages. One is refused, with an Indonesian message naming
the file, when it
- is a decompression bomb: more than `ZONA_UPLOAD_UNPACKED_MAX_MB` unpacked in total (sizes of every
  entry, counted into nested packages too), more than `ZONA_UPLOAD_MAX_RATIO` unpacked per packed byte
  once it unpacks to more than 10 MB, or more than `MAX_ENTRIES` entries;
- carries macros (`vbaProject.bin`, a macro-enabled content type, OpenDocument `Basic/`/`Scripts/`);
- carries an executable (by name: .exe, .dll, .js, .vbs, .ps1, .bat, .jar, ...; or by its bytes: a PE/ELF
  header, a script's `#!`, a DOS stub inside an embedded OLE object);
- carries HTML or script (by name: .html/.htm/.mht/.xhtml/.hta; by its first bytes), or an SVG image
  with a script, an event handler or a `javascript:` link (plain SVG icons, as Office inserts, are fine).
Only entry headers are trusted for the sizes; entry bytes are read only for small entries (at most
`SNIFF_BYTES` each, the whole of an SVG up to `SVG_MAX_BYTES`), so inspection itself cannot be bombed.

PDFs are scanned for active content (/JavaScript, /JS, /Launch, /EmbeddedFile, /RichMedia, /XFA,
/OpenAction or /AA pointing at a script), in the raw bytes and inside Flate-compressed streams (object
streams hide names there), with names' `#xx` escapes decoded. Such a PDF is kept - agencies' own forms
often carry harmless scripts, and refusing would lose evidence - but flagged (`Blob.active_content`) and
from then on served only as a download (Content-Disposition: attachment), never shown inline or in the
worksheet preview.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OFFICE_ZIP = {"docx", "xlsx", "pptx", "odt", "ods"}
MAX_ENTRIES = 5000
MAX_NESTING = 2
SNIFF_BYTES = 512
SVG_MAX_BYTES = 2 * 1024 * 1024
RATIO_FLOOR = 10 * 1024 * 1024  # the ratio limit applies once a package unpacks to more than this

EXECUTABLE_EXT = {
    "exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "bat", "cmd", "ps1", "psm1", "vbs", "vbe",
    "js", "jse", "wsf", "wsh", "jar", "sh", "lnk", "reg", "apk", "elf", "so", "dylib", "app",
}  # fmt: skip
HTML_EXT = {"html", "htm", "xhtml", "mht", "mhtml", "hta", "shtml", "xht"}
MACRO_NAMES = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"PK\x03\x04")
DOS_STUB = b"This program cannot be run in DOS mode"
HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<script|<head|<body|<iframe)", re.IGNORECASE)
SVG_ACTIVE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:|<foreignobject", re.IGNORECASE)
ZIP_MAGIC = b"PK\x03\x04"


def unpacked_max_bytes() -> int:
    return int(getattr(settings, "ZONA_UPLOAD_UNPACKED_MAX_MB", 200)) * 1024 * 1024


def max_ratio() -> int:
    return int(getattr(settings, "ZONA_UPLOAD_MAX_RATIO", 100))


@dataclass
class _Budget:
    unpacked: int = 0
    packed: int = 0
    entries: int = 0


def _macro() -> str:
    return _("Berkas %(name)s ditolak: berisi makro (%(part)s). Simpan ulang sebagai dokumen tanpa makro.")


def _program() -> str:
    return _("Berkas %(name)s ditolak: berisi program atau skrip tertanam (%(part)s).")


def _html() -> str:
    return _("Berkas %(name)s ditolak: berisi halaman HTML tertanam (%(part)s).")


def _refuse(message: str, **params: object) -> ValidationError:
    return ValidationError(message % params)


def inspect_office(content: bytes, name: str) -> None:
    """Raise a ValidationError naming `name` when the office package is a bomb or carries active content."""
    budget = _Budget()
    _inspect_zip(content, name, budget, depth=0)
    if budget.unpacked > RATIO_FLOOR and budget.unpacked > max_ratio() * max(budget.packed, 1):
        raise _refuse(
            _(
                "Berkas %(name)s ditolak: isinya memuai %(ratio)s kali saat dibuka "
                "(paling banyak %(max)s kali); kemungkinan bom kompresi."
            ),
            name=name,
            ratio=budget.unpacked // max(budget.packed, 1),
            max=max_ratio(),
        )


def _inspect_zip(content: bytes, name: str, budget: _Budget, *, depth: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(_("Berkas %(name)s rusak atau bukan dokumen kantor yang utuh."), name=name) from None
    budget.entries += len(infos)
    if budget.entries > MAX_ENTRIES:
        raise _refuse(_("Berkas %(name)s ditolak: berisi lebih dari %(n)s bagian."), name=name, n=MAX_ENTRIES)
    for info in infos:
        budget.unpacked += info.file_size
        budget.packed += info.compress_size
        if budget.unpacked > unpacked_max_bytes():
            raise _refuse(
                _(
                    "Berkas %(name)s ditolak: isinya lebih dari %(mb)s MB saat dibuka; "
                    "kemungkinan bom kompresi."
                ),
                name=name,
                mb=unpacked_max_bytes() // (1024 * 1024),
            )
    for info in infos:
        if info.is_dir():
            continue
        _inspect_entry(archive, info, name, budget, depth=depth)


def _inspect_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: _Budget, *, depth: int
) -> None:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    base = path.name.lower()
    ext = base.rsplit(".", 1)[-1] if "." in base else ""
    top = path.parts[0].lower() if path.parts else ""
    if base in MACRO_NAMES or (depth == 0 and top in {"basic", "scripts"}):
        raise _refuse(_macro(), name=name, part=info.filename)
    if ext in EXECUTABLE_EXT:
        raise _refuse(_program(), name=name, part=info.filename)
    if ext in HTML_EXT:
        raise _refuse(
            _("Berkas %(name)s ditolak: berisi halaman HTML tertanam (%(part)s)."),
            name=name,
            part=info.filename,
        )
    if base == "[content_types].xml" or base == "manifest.xml":
        head = _read(archive, info, 256 * 1024)
        if b"macroenabled" in head.lower() or b"vbaproject" in head.lower():
            raise _refuse(_macro(), name=name, part=info.filename)
        return
    if ext == "svg":
        svg = _read(archive, info, SVG_MAX_BYTES)
        if SVG_ACTIVE.search(svg):
            raise _refuse(
                _("Berkas %(name)s ditolak: gambar SVG %(part)s berisi skrip."), name=name, part=info.filename
            )
        return
    head = _read(archive, info, SNIFF_BYTES)
    if head.startswith(ZIP_MAGIC):
        if depth >= MAX_NESTING:
            raise _refuse(
                _("Berkas %(name)s ditolak: arsip bersarang terlalu dalam (%(part)s)."),
                name=name,
                part=info.filename,
            )
        nested = _read(archive, info, unpacked_max_bytes())
        _inspect_zip(nested, name, budget, depth=depth + 1)
        return
    if head.startswith(EXECUTABLE_MAGIC) or (
        ext == "bin" and DOS_STUB in _read(archive, info, 4 * 1024 * 1024)
    ):
        raise _refuse(_program(), name=name, part=info.filename)
    if HTML_START.match(head):
        raise _refuse(
            _("Berkas %(name)s ditolak: berisi halaman HTML tertanam (%(part)s)."),
            name=name,
            part=info.filename,
        )


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` unpacked bytes of one entry (a broken entry reads as nothing)."""
    try:
        with archive.open(info) as stream:
            return stream.read(limit)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError, zlib.error):
        return b""


# --- PDF -------------------------------------------------------------------------------------------------

PDF_ACTIVE_NAMES = {b"/javascript", b"/js", b"/launch", b"/embeddedfile", b"/embeddedfiles", b"/richmedia"}
PDF_ACTIVE_NAMES |= {b"/xfa", b"/submitform", b"/importdata", b"/gotoe"}
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
PDF_INFLATE_BUDGET = 64 * 1024 * 1024
PDF_MAX_STREAMS = 20000


def _names(data: bytes) -> set[bytes]:
    found = set()
    for match in _NAME.finditer(data):
        token = match.group(0)
        if b"#" in token:
            token = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token)
        found.add(token.lower())
    return found


def pdf_active_content(content: bytes) -> list[str]:
    """The names of active content a PDF carries (empty when none), raw and inside Flate streams."""
    names = _names(content)
    budget = PDF_INFLATE_BUDGET
    for count, match in enumerate(_STREAM.finditer(content)):
        if count >= PDF_MAX_STREAMS or budget <= 0:
            break
        end = content.find(b"endstream", match.end())
        raw = content[match.end() : end if end != -1 else len(content)]
        try:
            data = zlib.decompressobj().decompress(raw, budget)
        except zlib.error:
            continue
        budget -= len(data)
        if data:
            names |= _names(data)
    return sorted(name.decode("latin-1") for name in names & PDF_ACTIVE_NAMES)
