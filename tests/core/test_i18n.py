"""English through Django i18n: the catalogue is complete and compiled, and the main pages switch language.

Indonesian is the source language and the default; English is chosen with the language cookie (what the
switcher's `set_language` view sets). A browser's Accept-Language header alone does not switch: many
government PCs run browsers set to English, and Zona opens in Indonesian there.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%%")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    """A small reader for the GNU .po subset makemessages writes (no obsolete `#~` entries are kept)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):
            raise AssertionError(f"obsolete entry left in {path.name}: {line}")
        if line.startswith("#,"):
            current = current or _new(entries)
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            current = current or _new(entries)
            continue
        current = current or _new(entries)
        if line.startswith('"'):
            assert target is not None, raw
            _append(current, target, _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            target = ("msgstr", int(match.group(1)))
        elif keyword in ("msgid", "msgid_plural", "msgctxt", "msgstr"):
            target = (keyword, 0)
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw}")
        if keyword == "msgctxt":
            current.msgctxt = ""
        _append(current, target, _unquote(value))
    return entries


def _new(entries: list[PoEntry]) -> PoEntry:
    entries.append(PoEntry())
    return entries[-1]


def _append(entry: PoEntry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        setattr(entry, name, getattr(entry, name) + text)


@pytest.fixture(scope="module")
def catalogue() -> list[PoEntry]:
    entries = parse_po(PO_FILE)
    header = [entry for entry in entries if entry.msgid == ""]
    assert len(header) == 1
    assert "fuzzy" not in header[0].flags, "a fuzzy header is skipped by msgfmt (plural forms get lost)"
    return [entry for entry in entries if entry.msgid]


def _label(entry: PoEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


# --- the catalogue -----------------------------------------------------------------------------------


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    assert len(catalogue) > 1000
    fuzzy = [_label(e) for e in catalogue if "fuzzy" in e.flags]
    untranslated = [
        _label(e) for e in catalogue if not e.msgstr or any(not text.strip() for text in e.msgstr.values())
    ]
    assert fuzzy == []
    assert untranslated == []
    plurals = [e for e in catalogue if e.msgid_plural]
    assert plurals and all(sorted(e.msgstr) == [0, 1] for e in plurals)


def test_translations_keep_every_placeholder(catalogue):
    broken = []
    for entry in catalogue:
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for index, source in enumerate(sources):
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(entry.msgstr[index])):
                broken.append(_label(entry))
    assert broken == []


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo is what runs; it must hold exactly what the .po says (rerun scripts/i18n.sh)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in catalogue:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural:
            found = {index: compiled.get((key, index)) for index in entry.msgstr}
            if found != entry.msgstr:
                stale.append(_label(entry))
        elif compiled.get(key) != entry.msgstr[0]:
            stale.append(_label(entry))
    assert stale == []


def test_django_translates_a_sample_of_messages_to_english():
    with translation.override("en"):
        assert translation.gettext("Beranda") == "Home"
        assert translation.gettext("Masuk ke Zona") == "Sign in to Zona"
        assert translation.gettext("Nama pengguna %(u)s sudah dipakai.") % {"u": "budi"} == (
            "Username budi is already taken."
        )
        one = "%(counter)s butir akan berubah"
        assert translation.ngettext(one, one, 1) % {"counter": 1} == "1 item will change"
        assert translation.ngettext(one, one, 3) % {"counter": 3} == "3 items will change"
    with translation.override("id"):
        assert translation.gettext("Beranda") == "Beranda"


# --- the pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_landing_page_is_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Zona Integritas towards WBK and WBBM" in body
    assert "Loaded LKE frameworks" in body
    assert "Skip to main content" in body
    assert "Zona Integritas menuju WBK dan WBBM" not in body
    assert "Kerangka LKE yang dimuat" not in body
    assert "Lewati ke konten utama" not in body


@pytest.mark.django_db
def test_login_page_is_english_once_english_is_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in body
    assert "Sign in to Zona" in body
    assert "Forgot your password?" in body
    assert "Masuk ke Zona" not in body
    assert "Lupa kata sandi?" not in body


@pytest.mark.django_db
def test_language_switcher_turns_the_home_dashboard_english(client, regency):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    client.force_login(regency.koordinator)
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    for english in (
        "Zona Integritas work units",
        "Add work unit",
        "Audit trail",
        "Sign out",
        "Not designated",
    ):
        assert english in body
    for indonesian in (
        "Unit kerja Zona Integritas",
        "Tambah unit kerja",
        "Jejak audit",
        "Keluar",
        "Belum ditetapkan",
    ):
        assert indonesian not in body


@pytest.mark.django_db
def test_language_switcher_back_to_indonesian(client, regency):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    client.force_login(regency.koordinator)
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="id">' in body
    assert "Unit kerja Zona Integritas" in body
    assert "Zona Integritas work units" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "cookie"),
    [
        ({}, None),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}, None),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "id"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, None),
    ],
    ids=["nothing-asked", "unsupported-language", "cookie-beats-header", "english-browser"],
)
def test_indonesian_stays_the_default(client, headers, cookie):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    body = client.get(reverse("accounts:login"), **headers).content.decode()
    assert settings.LANGUAGE_CODE == "id"
    assert '<html lang="id">' in body
    assert "Masuk ke Zona" in body
    assert "Sign in to Zona" not in body
