"""Survey writes: loading instruments, campaigns (create, open, close, publish) and feeding the LKE."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.core.versioned import canonical_definition, definition_hash
from zona.lke.numbers import format_id, to_fraction
from zona.units.models import ServiceType, Unit

from . import computation, selectors
from .instruments import InstrumentDef, instrument_def, parse_instrument, read_instrument_data
from .models import Campaign, Instrument

DATA_DIR = Path(__file__).resolve().parent / "data"
SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: readable from a poster
SHORT_CODE_LENGTH = 7
ITEM_IPAK = "B.I.a"
ITEM_IPKP = "B.II.a"
ITEM_SKM_COUNT = "A.I.6.iv.a"
FEED_ITEMS = {Instrument.Kind.SPAK: ITEM_IPAK, Instrument.Kind.SPKP: ITEM_IPKP}


# --- Instruments -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    instrument: Instrument
    created: bool


def shipped_instrument_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def instrument_load_file(*, path: Path) -> LoadResult:
    """Load one instrument file; raises InstrumentInvalid (nothing written) when it does not validate."""
    definition = canonical_definition(read_instrument_data(path))
    return instrument_load_definition(definition=definition, parsed=parse_instrument(definition))


@transaction.atomic
def instrument_load_definition(*, definition: dict[str, Any], parsed: InstrumentDef) -> LoadResult:
    """Idempotent: an unchanged file is a no-op; a changed one becomes the next version (old ones stay)."""
    content_hash = definition_hash(definition)
    existing = Instrument.objects.filter(code=parsed.code, content_hash=content_hash).first()
    if existing is not None:
        return LoadResult(existing, created=False)
    latest = Instrument.objects.select_for_update().filter(code=parsed.code).aggregate(v=Max("version"))["v"]
    instrument = Instrument.objects.create(
        code=parsed.code,
        version=(latest or 0) + 1,
        kind=parsed.kind,
        name=parsed.name,
        scale_max=parsed.scale,
        definition=definition,
        content_hash=content_hash,
    )
    audit_record(
        event="survey.instrument_loaded",
        obj=instrument,
        changes={"code": parsed.code, "version": [latest, instrument.version]},
        actor_repr="system",
    )
    return LoadResult(instrument, created=True)


def instruments_load_shipped() -> list[LoadResult]:
    return [instrument_load_file(path=path) for path in shipped_instrument_files()]


# --- Campaigns ---------------------------------------------------------------------------------------


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def _require(actor: Any, action: str, obj: Any, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise PermissionDenied(message)


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "year": campaign.year,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "instrument": f"{campaign.instrument.code} v{campaign.instrument.version}",
        "population": campaign.population,
        "sample_method": campaign.sample_method,
        "target_sample": campaign.target_sample,
        "status": campaign.status,
    }


@transaction.atomic
def campaign_create(
    *,
    unit: Unit,
    instrument: Instrument,
    title: str,
    year: int,
    starts_on: date,
    ends_on: date,
    actor: Any,
    service_types: Iterable[ServiceType] = (),
    population: int | None = None,
    sample_method: str = Campaign.SampleMethod.KREJCIE_MORGAN,
    require_code: bool = False,
) -> Campaign:
    """A new campaign (status draft) with its target sample computed from the population."""
    # A unit's campaigns are unit data (team, operators), not the unit's own record (coordinator only).
    _require(actor, Action.CHANGE, Campaign(unit=unit), _("Anda tidak dapat membuat survei untuk unit ini."))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Judul survei wajib diisi.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    if not (starts_on.year <= year <= ends_on.year):
        errors["year"] = _("Tahun survei harus berada dalam rentang tanggal survei.")
    if population is not None and population < 1:
        errors["population"] = _("Jumlah pengguna layanan harus lebih dari 0.")
    if sample_method not in Campaign.SampleMethod.values:
        errors["sample_method"] = _("Metode sampel tidak dikenal.")
    types = list(service_types)
    if any(st.unit_id != unit.pk for st in types):
        errors["service_types"] = _("Jenis layanan harus milik unit ini.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        unit=unit,
        instrument=instrument,
        title=title,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        population=population,
        sample_method=sample_method,
        target_sample=computation.sample_size(sample_method, population),
        require_code=require_code,
        created_by=actor,
    )
    for _attempt in range(10):
        campaign.short_code = new_short_code()
        try:
            with transaction.atomic():
                campaign.save()
            break
        except IntegrityError:
            if Campaign.objects.filter(short_code=campaign.short_code).exists():
                continue
            raise
    else:  # pragma: no cover - 31^7 codes
        raise ValidationError(_("Gagal membuat kode tautan; coba lagi."))
    campaign.service_types.set(types)
    audit_record(
        event="survey.campaign_created",
        actor=actor,
        obj=campaign,
        changes={
            **{key: [None, value] for key, value in _campaign_snapshot(campaign).items()},
            "service_types": [None, sorted(st.name for st in types)],
            "short_code": [None, campaign.short_code],
        },
    )
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("unit", "instrument").get(pk=campaign.pk)


def _set_status(campaign: Campaign, *, to: str, allowed_from: set[str], actor: Any, event: str) -> Campaign:
    campaign = _locked(campaign)
    _require(actor, Action.CHANGE, campaign, _("Anda tidak dapat mengubah survei unit ini."))
    if campaign.status not in allowed_from:
        raise ValidationError(
            _("Survei berstatus %(status)s; tindakan ini tidak tersedia.")
            % {"status": campaign.get_status_display()}
        )
    old = campaign.status
    campaign.status = to
    campaign.save(update_fields=["status"])
    audit_record(event=event, actor=actor, obj=campaign, changes={"status": [old, to]})
    return campaign


@transaction.atomic
def campaign_open(*, campaign: Campaign, actor: Any) -> Campaign:
    """Start (or reopen) collecting responses through the public link."""
    return _set_status(
        campaign,
        to=Campaign.Status.OPEN,
        allowed_from={Campaign.Status.DRAFT, Campaign.Status.CLOSED},
        actor=actor,
        event="survey.campaign_opened",
    )


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: Any) -> Campaign:
    """Stop collecting; a closed campaign's result may feed the LKE."""
    return _set_status(
        campaign,
        to=Campaign.Status.CLOSED,
        allowed_from={Campaign.Status.OPEN},
        actor=actor,
        event="survey.campaign_closed",
    )


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor: Any) -> Campaign:
    """Show the campaign's result on the unit's public page (the coordinator's decision)."""
    campaign = _locked(campaign)
    _require(actor, Action.MANAGE, campaign, _("Hanya koordinator yang dapat mempublikasikan hasil survei."))
    if campaign.published_at is not None:
        return campaign
    if not campaign.responses.exists():
        raise ValidationError(_("Belum ada respons: tidak ada hasil untuk dipublikasikan."))
    campaign.published_at = timezone.now()
    campaign.published_by = actor
    campaign.save(update_fields=["published_at", "published_by"])
    audit_record(
        event="survey.campaign_published",
        actor=actor,
        obj=campaign,
        changes={"published_at": [None, campaign.published_at.isoformat()]},
    )
    return campaign


@transaction.atomic
def campaign_unpublish(*, campaign: Campaign, actor: Any) -> Campaign:
    campaign = _locked(campaign)
    _require(
        actor, Action.MANAGE, campaign, _("Hanya koordinator yang dapat menarik publikasi hasil survei.")
    )
    if campaign.published_at is None:
        return campaign
    old = campaign.published_at.isoformat()
    campaign.published_at = None
    campaign.published_by = None
    campaign.save(update_fields=["published_at", "published_by"])
    audit_record(
        event="survey.campaign_unpublished", actor=actor, obj=campaign, changes={"published_at": [old, None]}
    )
    return campaign


# --- LKE feed ----------------------------------------------------------------------------------------


class FeedNeedsConfirmation(Exception):
    """The item already has a different answer: the person must confirm before it is replaced."""

    def __init__(self, item_code: str, current: Any, proposed: Any):
        super().__init__(item_code)
        self.item_code = item_code
        self.current = current
        self.proposed = proposed


@dataclass
class FeedResult:
    item_code: str
    value: Any
    changed: bool
    evidence_added: int
    note: str = ""
    campaigns: list[Campaign] = field(default_factory=list)


def skm_count_option(count: int) -> str:
    """A.I.6.iv.a: ≥4 SKM a year → A, 3 → B, 2 → C, 1 → D, none → E."""
    return "ABCDE"[max(0, 4 - min(count, 4))]


def conversion_reading_note(assessment: Any, item_code: str, result: Any) -> str:
    """F5: when the other 1–6 → 0–4 conversion would change an LKE verdict of the assessment, say so."""
    if not result.alternative_conversion or result.alternative_index is None or result.index is None:
        return ""
    from zona.assessments.selectors.core import effective_answers, engine_for
    from zona.lke.scoring import AnswerReading, score

    framework = engine_for(assessment)
    answers = {**effective_answers(assessment), item_code: to_fraction(result.index)}
    reading = AnswerReading(
        "survey_conversion",
        result.conversion,
        result.alternative_conversion,
        {item_code: to_fraction(result.alternative_index)},
        f"konversi {result.alternative_conversion_text} "
        f"(indeks {format_id(to_fraction(result.alternative_index))})",
    )
    scored = score(framework, answers, readings=[reading])
    notes = [
        f"{name}: {note.message}"
        for name, note in scored.reading_notes
        if note.setting == "survey_conversion"
    ]
    return "; ".join(notes)


def skm_rounds_note(held: selectors.SkmRounds, year: int, option: str) -> str:
    """A.I.6.iv.a's note: how many SKM were held in the year, which rounds, and what was not counted."""
    rounds = ", ".join(f"{r.label} ({len(r.campaigns)} survei)" for r in held.rounds) or "-"
    note = _("%(count)s putaran SKM dengan respons pada tahun %(year)s: %(rounds)s → pilihan %(option)s") % {
        "count": held.count,
        "year": year,
        "rounds": rounds,
        "option": option,
    }
    if held.without_responses:
        note += "; " + _("%(n)s survei tanpa respons tidak dihitung") % {"n": len(held.without_responses)}
    return note


def campaign_results_url(campaign: Campaign, base_url: str | None = None) -> str:
    base = (base_url or getattr(settings, "ZONA_BASE_URL", "") or "http://localhost:8000").rstrip("/")
    return base + reverse("surveys:detail", kwargs={"pk": campaign.pk})


def _current_value(assessment: Any, item_code: str) -> Any:
    from zona.assessments.models import Answer

    answer = Answer.objects.filter(assessment=assessment, item_code=item_code, stage__isnull=True).first()
    return None if answer is None else answer.value


def _same(current: Any, proposed: Any) -> bool:
    if current is None:
        return False
    try:
        return Decimal(str(current)) == Decimal(str(proposed))
    except ArithmeticError:
        return str(current).strip().casefold() == str(proposed).strip().casefold()


def _link(assessment: Any, item_code: str, url: str, title: str, actor: Any) -> int:
    from zona.assessments.models import Evidence
    from zona.assessments.services.evidence import evidence_link

    if Evidence.objects.filter(
        assessment=assessment, item_code=item_code, url=url, removed_at__isnull=True
    ).exists():
        return 0
    evidence_link(assessment=assessment, item_code=item_code, url=url, title=title[:255], actor=actor)
    return 1


@transaction.atomic
def campaign_feed_lke(
    *, campaign: Campaign, assessment: Any, actor: Any, confirm: bool = False, base_url: str | None = None
) -> FeedResult:
    """Put a closed campaign's result into the unit's LKE of its year, with the campaign as evidence.

    SPAK → B.I.a and SPKP → B.II.a: the converted index rounded half-up to two decimals (the figure
    shown, as the LKE's threshold tests use). SKM → A.I.6.iv.a: the option for the number of closed SKM
    campaigns of the unit that year, each linked as evidence. An existing, different answer is replaced
    only with `confirm=True` (else FeedNeedsConfirmation). Writes go through the assessment services,
    which check who may write and whether the assessment is still open.
    """
    from zona.assessments.services.answers import answer_save

    campaign = Campaign.objects.select_related("unit", "instrument").get(pk=campaign.pk)
    _require(actor, Action.CHANGE, campaign, _("Anda tidak dapat mengirim hasil survei unit ini."))
    if campaign.status != Campaign.Status.CLOSED:
        raise ValidationError(
            _("Tutup survei terlebih dahulu: hanya survei yang selesai yang dikirim ke LKE.")
        )
    if assessment.unit_id != campaign.unit_id:
        raise ValidationError(_("Penilaian LKE harus milik unit yang sama dengan survei."))
    if assessment.period.year != campaign.year:
        raise ValidationError(
            _("Survei tahun %(s)s tidak dapat mengisi LKE tahun %(a)s.")
            % {"s": campaign.year, "a": assessment.period.year}
        )
    kind = campaign.instrument.kind
    value: Any
    if kind == Instrument.Kind.SKM:
        held = selectors.skm_rounds(
            unit=campaign.unit, year=campaign.year, rule=instrument_def(campaign.instrument).rounds
        )
        item_code, value = ITEM_SKM_COUNT, skm_count_option(held.count)
        links = [
            (
                campaign_results_url(c, base_url),
                _("SKM %(title)s (n = %(n)s)") % {"title": c.title, "n": c.n},  # type: ignore[attr-defined]
            )
            for c in held.campaigns
        ]
        note = skm_rounds_note(held, campaign.year, value)
    else:
        result = selectors.campaign_results(campaign).overall
        if result.index is None:
            raise ValidationError(
                _("Belum ada hasil lengkap: setiap pertanyaan perlu sedikitnya satu jawaban.")
            )
        item_code, value = FEED_ITEMS[Instrument.Kind(kind)], result.index
        shown = format_id(to_fraction(value))
        note = _("indeks %(index)s (n = %(n)s; %(rule)s)") % {
            "index": shown,
            "n": result.n,
            "rule": result.conversion_text,
        }
        if result.minimum_warning:
            note += "; " + result.minimum_warning
        reading = conversion_reading_note(assessment, item_code, result)
        if reading:
            note += "; " + reading
        links = [
            (
                campaign_results_url(campaign, base_url),
                _("%(title)s — n = %(n)s, indeks %(index)s, konversi: %(rule)s")
                % {"title": campaign.title, "n": result.n, "index": shown, "rule": result.conversion_text},
            )
        ]
    current = _current_value(assessment, item_code)
    if current not in (None, "") and not _same(current, value) and not confirm:
        raise FeedNeedsConfirmation(item_code, current, value)
    saved = answer_save(
        assessment=assessment,
        item_code=item_code,
        value=str(value),
        actor=actor,
        note=_("Dari survei: %(note)s") % {"note": note},
    )
    added = sum(_link(assessment, item_code, url, title, actor) for url, title in links)
    audit_record(
        event="survey.fed_lke",
        actor=actor,
        obj=campaign,
        changes={
            "item": item_code,
            "assessment": assessment.pk,
            "value": [current, str(value)],
            "note": note,
            "evidence_added": added,
        },
    )
    return FeedResult(
        item_code=item_code, value=value, changed=saved.changed, evidence_added=added, note=note
    )
