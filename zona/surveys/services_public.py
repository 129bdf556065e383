"""The public survey form's rules: storing a response, and stopping ballot stuffing without tracking people.

Protection, in the order a submission meets it (see `views_public.form`):

1. a per-device throttle: a signed cookie counter plus a cache counter keyed by an HMAC of the client
   address with a random secret that lives only in the cache and changes every day. Neither the address
   nor its HMAC is ever written to the database or linked to a response; the counter expires with its TTL.
2. a honeypot field: a filled one is dropped silently (the sender sees the thanks page, nothing stored).
3. a timing check: the form carries a signed timestamp; a complete submission faster than
   `ZONA_SURVEY_MIN_SECONDS` is dropped silently (an empty or invalid one is handed back with its
   required-field errors first: that is a person who pressed send too soon), older than
   `ZONA_SURVEY_MAX_AGE_SECONDS` (or tampered) is handed back with a fresh form.
4. optional one-time codes (`OneTimeCode`), each accepted once and never linked to the response; `used_at`
   is kept to the day only, so that the time a code was used cannot be matched to a response's time.

Public submissions are deliberately not written to the audit trail: an audit row per respondent would
carry a timestamp next to a response id (the response row already is the record) and would make the
audit chain's single lock the bottleneck of a busy form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.units.models import ServiceType, Unit

from .instruments import InstrumentDef, instrument_def
from .models import Campaign, Instrument, OneTimeCode, Response

TOKEN_SALT = "zona.surveys.form-started"  # noqa: S105 - a signing salt name
COOKIE_SALT = "zona.surveys.device-counter"
KIOSK_SALT = "zona.surveys.kiosk"
COUNTER_COOKIE = "zona_survei"
KIOSK_COOKIE = "zona_kiosk"
WINDOW_SECONDS = 3600
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a printed receipt


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def min_seconds() -> int:
    return _setting("ZONA_SURVEY_MIN_SECONDS", 5)


def max_age_seconds() -> int:
    return _setting("ZONA_SURVEY_MAX_AGE_SECONDS", 2 * 3600)


def device_limit(*, kiosk: bool = False) -> int:
    if kiosk:
        return _setting("ZONA_SURVEY_KIOSK_PER_HOUR", 120)
    return _setting("ZONA_SURVEY_PER_DEVICE_PER_HOUR", 10)


# --- campaign lookup ---------------------------------------------------------------------------------
#
# The public form is the busiest page of the application (one POST per respondent, all day, from every
# counter), and building ORM queries was the largest part of a submission's cost (`make bench`). Its reads
# (the campaign with its unit, instrument and service types; the status re-check when storing) are
# therefore SQL built once per database vendor from the models' metadata (so a renamed table or column
# follows), loaded through Django's documented `Manager.raw()` and `Model.from_db()`: the objects behave
# like ORM-loaded ones, and a field that is not read is deferred and loads itself when first used.

# Related fields read with the campaign: those the public pages and the permission check use. Strings and
# integers only, because they are taken from the row as the driver returns them (no ORM converters).
_UNIT_FIELDS = ("id", "instansi_id", "parent_id", "name", "slug", "kind", "path")
_INSTRUMENT_FIELDS = ("id", "content_hash")
_SERVICE_TYPE_FIELDS = ("id", "unit_id", "name", "description")
_sql: dict[tuple[str, str], str] = {}


def _connection_for(model: type[Any]) -> BaseDatabaseWrapper:
    return connections[router.db_for_read(model)]


def _fields(model: type[Any], names: tuple[str, ...]) -> list[Field[Any, Any]]:
    """The model's fields named in `names`, in the model's own order (the order `from_db` expects)."""
    return [f for f in model._meta.concrete_fields if f.attname in names]


def _related(alias: str, row: Any, model: type[Any], names: tuple[str, ...], prefix: str) -> Any:
    fields = _fields(model, names)
    values = [getattr(row, f"{prefix}{f.attname}") for f in fields]
    return model.from_db(alias, [f.attname for f in fields], values)


def _sql_for(connection: BaseDatabaseWrapper, name: str) -> str:
    """The statement `name` ("campaign", "campaign_service_types", "status") for this database, built once."""
    key = (name, connection.vendor)
    if key in _sql:
        return _sql[key]

    def col(field: Field[Any, Any]) -> str:
        return connection.ops.quote_name(str(field.column))

    def table(model: type[Any]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    c_meta, u_meta, i_meta, s_meta = Campaign._meta, Unit._meta, Instrument._meta, ServiceType._meta
    if name == "status":
        sql = f"SELECT {col(c_meta.get_field('status'))} FROM {table(Campaign)} WHERE {col(c_meta.pk)} = %s"  # noqa: S608 - names from the models' metadata; the value is a parameter
    else:
        with_service_types = name == "campaign_service_types"
        selected = [f"c.{col(f)}" for f in c_meta.concrete_fields]
        selected += [f"u.{col(f)} AS zona_u_{f.attname}" for f in _fields(Unit, _UNIT_FIELDS)]
        selected += [f"i.{col(f)} AS zona_i_{f.attname}" for f in _fields(Instrument, _INSTRUMENT_FIELDS)]
        if with_service_types:
            selected += [
                f"s.{col(f)} AS zona_s_{f.attname}" for f in _fields(ServiceType, _SERVICE_TYPE_FIELDS)
            ]
        sql = (
            f"SELECT {', '.join(selected)} FROM {table(Campaign)} c "  # noqa: S608 - names from the models' metadata; the value is a parameter
            f"INNER JOIN {table(Unit)} u ON u.{col(u_meta.pk)} = c.{col(c_meta.get_field('unit'))} "
            f"INNER JOIN {table(Instrument)} i "
            f"ON i.{col(i_meta.pk)} = c.{col(c_meta.get_field('instrument'))} "
        )
        if with_service_types:
            through = Campaign.service_types.through
            t_meta = through._meta
            sql += (
                f"LEFT OUTER JOIN {table(through)} t "
                f"ON t.{col(t_meta.get_field('campaign'))} = c.{col(c_meta.pk)} "
                f"LEFT OUTER JOIN {table(ServiceType)} s "
                f"ON s.{col(s_meta.pk)} = t.{col(t_meta.get_field('servicetype'))} "
            )
        sql += f"WHERE c.{col(c_meta.get_field('short_code'))} = %s"
        if with_service_types:
            sql += f" ORDER BY s.{col(s_meta.get_field('name'))}, s.{col(s_meta.pk)}"
    _sql[key] = sql
    return sql


def _load(short_code: str, *, service_types: bool) -> tuple[Campaign, list[ServiceType]] | None:
    connection = _connection_for(Campaign)
    sql = _sql_for(connection, "campaign_service_types" if service_types else "campaign")
    rows = list(Campaign.objects.raw(sql, [short_code]))  # one row per service type (at least one)
    if not rows:
        return None
    campaign = rows[0]
    alias = connection.alias
    campaign.unit = _related(alias, campaign, Unit, _UNIT_FIELDS, "zona_u_")
    campaign.instrument = _related(alias, campaign, Instrument, _INSTRUMENT_FIELDS, "zona_i_")
    types: list[ServiceType] = []
    if service_types:
        types = [
            _related(alias, row, ServiceType, _SERVICE_TYPE_FIELDS, "zona_s_")
            for row in rows
            if getattr(row, "zona_s_id", None) is not None
        ]
    return campaign, types


def public_campaign(*, short_code: str) -> Campaign | None:
    """The campaign behind a short link (any status) with its unit and instrument, in one query; or None.

    Of the instrument only the id and content hash are read: `instrument_def` keys its in-process cache on
    them (instrument rows are immutable) and loads the JSON definition only on a cache miss, so a request
    neither decodes nor re-parses it. The public pages show nothing else of the instrument.
    """
    found = _load(short_code, service_types=False)
    return found[0] if found else None


def public_form_campaign(*, short_code: str) -> tuple[Campaign, list[ServiceType]] | None:
    """`public_campaign` and the service types a respondent picks from (by name), still in one query."""
    return _load(short_code, service_types=True)


def _campaign_status(campaign: Campaign) -> str | None:
    """The campaign's status as stored now (one read by primary key)."""
    connection = _connection_for(Campaign)
    with connection.cursor() as cursor:
        cursor.execute(_sql_for(connection, "status"), [campaign.pk])
        row = cursor.fetchone()
    return str(row[0]) if row else None


def accepts_responses(campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.OPEN


# --- timing token ------------------------------------------------------------------------------------


class Timing(StrEnum):
    OK = "ok"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    INVALID = "invalid"


def form_token(*, now: float | None = None) -> str:
    """A signed note of when the form was served (no identifier: only the time)."""
    return signing.dumps(round(now if now is not None else time.time(), 3), salt=TOKEN_SALT)


def timing_check(token: str, *, now: float | None = None) -> Timing:
    now = now if now is not None else time.time()
    try:
        started = signing.loads(token or "", salt=TOKEN_SALT)
    except signing.BadSignature:
        return Timing.INVALID
    if not isinstance(started, int | float):
        return Timing.INVALID
    elapsed = now - float(started)
    if elapsed > max_age_seconds():
        return Timing.EXPIRED
    if elapsed < min_seconds():
        return Timing.TOO_FAST
    return Timing.OK


# --- per-device throttle -----------------------------------------------------------------------------


def _daily_secret() -> bytes:
    """A random secret for today, kept only in the cache (gone two days later; never in the database)."""
    today = timezone.localdate()
    key = f"zona:survei:secret:{today.isoformat()}"
    value = cache.get(key)
    if value is None:
        if cache.add(key, secrets.token_hex(32), timeout=2 * 86400):
            # the day before yesterday's secret goes at once (a file cache would keep it on disk until culled)
            cache.delete(f"zona:survei:secret:{(today - dt.timedelta(days=2)).isoformat()}")
        value = cache.get(key) or secrets.token_hex(32)
    return str(value).encode()


def _device_cache_key(request: HttpRequest, *, kiosk: bool) -> str:
    address = request.META.get("REMOTE_ADDR", "") or ""
    digest = hmac.new(_daily_secret(), address.encode(), hashlib.sha256).hexdigest()
    return f"zona:survei:perangkat:{'kiosk' if kiosk else 'web'}:{digest}"


@dataclass
class Throttle:
    """The device's counters for this request; `blocked` is decided before any work is done."""

    cache_key: str
    cache_count: int
    cookie_count: int
    cookie_started: float
    limit: int

    @property
    def blocked(self) -> bool:
        return self.cache_count >= self.limit or self.cookie_count >= self.limit


def throttle_state(request: HttpRequest, *, kiosk: bool = False, now: float | None = None) -> Throttle:
    now = now if now is not None else time.time()
    key = _device_cache_key(request, kiosk=kiosk)
    count, started = 0, now
    try:
        raw = request.get_signed_cookie(COUNTER_COOKIE, salt=COOKIE_SALT, max_age=WINDOW_SECONDS)
        n_text, started_text = str(raw).split(":", 1)
        count, started = int(n_text), float(started_text)
    except (KeyError, ValueError, signing.BadSignature):
        count, started = 0, now
    if now - started > WINDOW_SECONDS:
        count, started = 0, now
    return Throttle(
        cache_key=key,
        cache_count=int(cache.get(key, 0)),
        cookie_count=count,
        cookie_started=started,
        limit=device_limit(kiosk=kiosk),
    )


def throttle_hit(throttle: Throttle) -> None:
    """Count one submission against the device (the window starts at its first submission)."""
    cache.add(throttle.cache_key, 0, timeout=WINDOW_SECONDS)
    try:
        throttle.cache_count = cache.incr(throttle.cache_key)
    except ValueError:  # expired between add and incr
        cache.set(throttle.cache_key, 1, timeout=WINDOW_SECONDS)
        throttle.cache_count = 1
    throttle.cookie_count += 1


def throttle_cookie(response: HttpResponse, throttle: Throttle) -> None:
    response.set_signed_cookie(
        COUNTER_COOKIE,
        f"{throttle.cookie_count}:{throttle.cookie_started:.0f}",
        salt=COOKIE_SALT,
        max_age=WINDOW_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


# --- kiosk devices -----------------------------------------------------------------------------------


def kiosk_cookie_set(response: HttpResponse, campaign: Campaign) -> None:
    """Mark this device as the counter's kiosk for the campaign (set by staff; 12 hours)."""
    response.set_signed_cookie(
        KIOSK_COOKIE, str(campaign.pk), salt=KIOSK_SALT, max_age=12 * 3600, httponly=True, samesite="Lax"
    )


def is_kiosk_device(request: HttpRequest, campaign: Campaign) -> bool:
    try:
        value = request.get_signed_cookie(KIOSK_COOKIE, salt=KIOSK_SALT, max_age=12 * 3600)
    except (KeyError, signing.BadSignature):
        return False
    return value == str(campaign.pk)


# --- one-time codes ----------------------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def one_time_code_use(*, campaign: Campaign, code: str) -> bool:
    """Spend a code: True once per code, False when unknown or already used. Call inside the transaction."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    used = OneTimeCode.objects.filter(
        campaign=campaign, code=normalize_code(code), used_at__isnull=True
    ).update(used_at=today)
    return used == 1


# --- storing a response ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseData:
    """One respondent's answers by question code, and the optional profile, already validated by type."""

    answers: Mapping[str, int]
    service_type: ServiceType | None = None
    gender: str = ""
    age: int | None = None
    education: str = ""
    occupation: str = ""
    suggestion: str = ""


def response_problems(
    *, campaign: Campaign, data: ResponseData, definition: InstrumentDef | None = None
) -> list[tuple[str, str]]:
    """(field, message) for every rule the data breaks; empty when it may be stored."""
    definition = definition or instrument_def(campaign.instrument)
    problems: list[tuple[str, str]] = []
    for question in definition.questions:
        value = data.answers.get(question.code)
        if value is None:
            problems.append((question.code, _("%(code)s belum dijawab") % {"code": question.code}))
        elif not 1 <= value <= definition.scale:
            problems.append(
                (
                    question.code,
                    _("nilai %(value)s di luar 1–%(max)s") % {"value": value, "max": definition.scale},
                )
            )
    unknown = sorted(set(data.answers) - set(definition.codes))
    for code in unknown:
        problems.append((code, _("pertanyaan %(code)s tidak ada pada instrumen") % {"code": code}))
    if data.service_type is not None and data.service_type.unit_id != campaign.unit_id:
        problems.append(("service_type", _("jenis layanan bukan milik unit ini")))
    for code in ("gender", "education", "occupation"):
        value = getattr(data, code)
        profile_field = definition.profile_field(code)
        if value and (profile_field is None or value not in dict(profile_field.choices)):
            problems.append((code, _("pilihan %(value)s tidak dikenal") % {"value": value}))
    if data.age is not None:
        age_field = definition.profile_field("age")
        low = age_field.min if age_field and age_field.min is not None else 10
        high = age_field.max if age_field and age_field.max is not None else 120
        if not low <= data.age <= high:
            problems.append(
                (
                    "age",
                    _("usia %(age)s di luar %(min)s–%(max)s") % {"age": data.age, "min": low, "max": high},
                )
            )
    if len(data.suggestion) > 2000:
        problems.append(("suggestion", _("saran paling banyak 2.000 karakter")))
    return problems


def response_build(
    *,
    campaign: Campaign,
    data: ResponseData,
    channel: str,
    entered_by: Any = None,
    definition: InstrumentDef | None = None,
    submitted_at: Any = None,
) -> Response:
    """An unsaved Response with each answer in its question's column (a1..a12), by code, never by position."""
    definition = definition or instrument_def(campaign.instrument)
    response = Response(
        campaign=campaign,
        service_type=data.service_type,
        submitted_at=submitted_at or timezone.now(),
        channel=channel,
        gender=data.gender,
        age=data.age,
        education=data.education,
        occupation=data.occupation,
        suggestion=data.suggestion.strip(),
        entered_by=entered_by if getattr(entered_by, "is_authenticated", False) else None,
    )
    for question in definition.questions:
        setattr(response, question.column, data.answers[question.code])
    return response


class CodeRejected(ValidationError):
    pass


def response_submit(
    *,
    campaign: Campaign,
    data: ResponseData,
    channel: str = Response.Channel.WEB,
    code: str = "",
    definition: InstrumentDef | None = None,
) -> Response:
    """Store one public response (web or kiosk). Raises ValidationError (nothing stored) when it may not be.

    The request's address, user agent or any other device detail is never passed here, so it cannot
    be stored with the response.

    A response is one INSERT, atomic on its own; a transaction is opened only when a one-time code is
    spent with it (the code is used if and only if the response is stored). Wrapping the status check
    and the INSERT in a transaction as well would add a database round trip (BEGIN/COMMIT) to every
    submission and guarantee nothing more: a plain read does not stop a campaign being closed in between.
    """
    if _campaign_status(campaign) != Campaign.Status.OPEN:
        raise ValidationError(_("Survei ini sedang tidak menerima jawaban."))
    if channel not in (Response.Channel.WEB, Response.Channel.KIOSK):
        raise ValidationError(_("Saluran tidak dikenal."))
    definition = definition or instrument_def(campaign.instrument)
    problems = response_problems(campaign=campaign, data=data, definition=definition)
    if problems:
        raise ValidationError([message for _field, message in problems])
    response = response_build(campaign=campaign, data=data, channel=channel, definition=definition)
    if not campaign.require_code:
        response.save()
        return response
    with transaction.atomic():
        if not one_time_code_use(campaign=campaign, code=code):
            raise CodeRejected(
                _("Kode tidak dikenal atau sudah dipakai. Periksa kode pada bukti layanan Anda.")
            )
        response.save()
    return response
