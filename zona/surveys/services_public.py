"""The public survey form's rules: storing a response, and stopping ballot stuffing without tracking people.

Protection, in the order a submission meets it (see `views_public.form`):

1. a per-device throttle: a signed cookie counter plus a cache counter keyed by an HMAC of the client
   address with a random secret that lives only in the cache and changes every day. Neither the address
   nor its HMAC is ever written to the database or linked to a response; the counter expires with its TTL.
2. a honeypot field: a filled one is dropped silently (the sender sees the thanks page, nothing stored).
3. a timing check: the form carries a signed timestamp; faster than `ZONA_SURVEY_MIN_SECONDS` is dropped
   silently, older than `ZONA_SURVEY_MAX_AGE_SECONDS` (or tampered) is handed back with a fresh form.
4. optional one-time codes (`OneTimeCode`), each accepted once and never linked to the response; `used_at`
   is kept to the day only, so that the time a code was used cannot be matched to a response's time.

Public submissions are deliberately not written to the audit trail: an audit row per respondent would
carry a timestamp next to a response id (the response row already is the record) and would make the
audit chain's single lock the bottleneck of a busy form.
"""

from __future__ import annotations

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
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.units.models import ServiceType

from .instruments import InstrumentDef, instrument_def
from .models import Campaign, OneTimeCode, Response

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


def public_campaign(*, short_code: str) -> Campaign | None:
    """The campaign behind a short link (any status), with what the form shows, or None."""
    found = list(
        Campaign.objects.select_related("unit", "instrument")
        .prefetch_related("service_types")
        .filter(short_code=short_code)
        .order_by()[:1]
    )
    return found[0] if found else None


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
    key = f"zona:survei:secret:{timezone.localdate().isoformat()}"
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.token_hex(32), timeout=2 * 86400)
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


@transaction.atomic
def response_submit(
    *,
    campaign: Campaign,
    data: ResponseData,
    channel: str = Response.Channel.WEB,
    code: str = "",
) -> Response:
    """Store one public response (web or kiosk). Raises ValidationError (nothing stored) when it may not be.

    The request's address, user agent or any other device detail is never passed here, so it cannot
    be stored with the response.
    """
    status = list(Campaign.objects.filter(pk=campaign.pk).order_by().values_list("status", flat=True)[:1])
    if status != [Campaign.Status.OPEN]:
        raise ValidationError(_("Survei ini sedang tidak menerima jawaban."))
    if channel not in (Response.Channel.WEB, Response.Channel.KIOSK):
        raise ValidationError(_("Saluran tidak dikenal."))
    definition = instrument_def(campaign.instrument)
    problems = response_problems(campaign=campaign, data=data, definition=definition)
    if problems:
        raise ValidationError([message for _field, message in problems])
    if campaign.require_code and not one_time_code_use(campaign=campaign, code=code):
        raise CodeRejected(_("Kode tidak dikenal atau sudah dipakai. Periksa kode pada bukti layanan Anda."))
    response = response_build(campaign=campaign, data=data, channel=channel, definition=definition)
    response.save()
    return response
