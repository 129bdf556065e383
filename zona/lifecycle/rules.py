"""The rules of the ZI lifecycle (lke-zi.md §5.3), as data and pure functions over a unit's history.

`TRANSITIONS` is the one graph of allowed moves. The functions take the history as a sequence of
`Move` (oldest first) so that the transition service, the page that offers the next moves and the tests
all judge a move the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zona.units.models import Stage

# from-stage -> the stages a unit may move to next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.BELUM: (Stage.DITETAPKAN,),
    Stage.DITETAPKAN: (Stage.PENCANANGAN, Stage.BELUM),  # back to belum: the designation is withdrawn
    Stage.PENCANANGAN: (Stage.PEMBANGUNAN,),
    Stage.PEMBANGUNAN: (Stage.PENILAIAN_MANDIRI,),
    Stage.PENILAIAN_MANDIRI: (Stage.EVALUASI_TPI,),
    Stage.EVALUASI_TPI: (Stage.DIUSULKAN, Stage.PEMBANGUNAN),  # back: "belum memenuhi"
    Stage.DIUSULKAN: (Stage.WBK, Stage.WBBM, Stage.PEMBANGUNAN),  # back: not granted this round
    Stage.WBK: (Stage.PEMBANGUNAN, Stage.DICABUT),  # pembangunan again, toward WBBM
    Stage.WBBM: (Stage.DICABUT,),
    Stage.DICABUT: (Stage.PEMBANGUNAN,),
}

# A move into pembangunan from one of these starts a building period; a return from evaluasi_tpi or
# diusulkan ("belum memenuhi") continues the period already running.
BUILDING_STARTS_FROM = frozenset({Stage.PENCANANGAN, Stage.WBK, Stage.DICABUT})
PREDICATES = frozenset({Stage.WBK, Stage.WBBM})
BUILDING_YEARS = 1  # lke-zi.md §5.2: building ZI for at least one year before the proposal
REVOCATION_BAR_YEARS = 2  # lke-zi.md §5.3 (11): no new WBK proposal for two years after revocation


@dataclass(frozen=True)
class Move:
    from_stage: str
    to_stage: str
    date: dt.date


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def whole_months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def holds_wbk(history: Sequence[Move]) -> bool:
    """A WBK predicate was granted and not revoked after it."""
    held = False
    for move in history:
        if move.to_stage == Stage.WBK:
            held = True
        elif move.to_stage == Stage.DICABUT:
            held = False
    return held


def holds_wbbm(history: Sequence[Move]) -> bool:
    held = False
    for move in history:
        if move.to_stage == Stage.WBBM:
            held = True
        elif move.to_stage == Stage.DICABUT:
            held = False
    return held


def building_start(history: Sequence[Move]) -> dt.date | None:
    """The date the current building period began (the latest move into pembangunan that started one)."""
    start = None
    for move in history:
        if move.to_stage == Stage.PEMBANGUNAN and move.from_stage in BUILDING_STARTS_FROM:
            start = move.date
    if start is None:  # a history imported without the stage it came from
        for move in history:
            if move.to_stage == Stage.PEMBANGUNAN:
                start = move.date
                break
    return start


def predicate_since(history: Sequence[Move]) -> dt.date | None:
    """The date of the predicate the unit holds now (its latest WBK/WBBM), None when it holds none."""
    since = None
    for move in history:
        if move.to_stage in PREDICATES:
            since = move.date
        elif move.to_stage == Stage.DICABUT:
            since = None
    return since


def revoked_on(history: Sequence[Move]) -> dt.date | None:
    dates = [move.date for move in history if move.to_stage == Stage.DICABUT]
    return dates[-1] if dates else None


def proposal_target(history: Sequence[Move]) -> str:
    """What a proposal now aims at: WBBM once the unit holds WBK, else WBK."""
    return Stage.WBBM if holds_wbk(history) else Stage.WBK


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def proposal_year(history: Sequence[Move]) -> int | None:
    """The year of the unit's latest proposal (move into diusulkan), None if never proposed."""
    years = [move.date.year for move in history if move.to_stage == Stage.DIUSULKAN]
    return years[-1] if years else None


def state_refusal(
    *,
    current: str,
    to_stage: str,
    history: Sequence[Move],
    today: dt.date,
    void_years: Collection[int] = (),
) -> str | None:
    """Why the unit may not move to `to_stage` now whatever is typed in the form, or None.

    `void_years`: years whose proposals a recorded KKN offence voided (90/2021 Lampiran II Bab IV)."""
    if to_stage not in Stage.values:
        return _("Tahap tujuan tidak dikenal.")
    if to_stage not in TRANSITIONS.get(current, ()):
        return _("Unit pada tahap %(from)s tidak dapat dipindahkan ke tahap %(to)s.") % {
            "from": stage_label(current),
            "to": stage_label(to_stage),
        }
    if to_stage == Stage.WBK and holds_wbk(history):
        return _("Unit sudah memegang predikat Menuju WBK; usulan berikutnya adalah Menuju WBBM.")
    if to_stage == Stage.WBBM and not holds_wbk(history):
        return _("Predikat Menuju WBBM hanya dapat diberikan kepada unit yang sudah berpredikat Menuju WBK.")
    if to_stage == Stage.DICABUT and not (holds_wbk(history) or holds_wbbm(history)):
        return _("Unit tidak memegang predikat yang dapat dicabut.")
    if to_stage == Stage.DIUSULKAN:
        bar = revocation_bar_until(history)
        if bar is not None and today < bar:
            return _revocation_message(history, bar)
        if today.year in void_years:
            return _kkn_message(today.year)
    if to_stage in PREDICATES and current == Stage.DIUSULKAN:
        year = proposal_year(history)
        if year is not None and year in void_years:
            return _kkn_message(year)
    return None


def _kkn_message(year: int) -> str:
    return _(
        "Usulan tahun %(year)s batal: tercatat tindak pidana KKN pada tahun usulan (PermenPANRB 90/2021 "
        "Lampiran II Bab IV)."
    ) % {"year": year}


def revocation_bar_until(history: Sequence[Move]) -> dt.date | None:
    """The first day a unit whose predicate was revoked may be proposed toward WBK again."""
    revoked = revoked_on(history)
    if revoked is None or proposal_target(history) != Stage.WBK:
        return None
    return years_after(revoked, REVOCATION_BAR_YEARS)


def _revocation_message(history: Sequence[Move], bar: dt.date) -> str:
    return _(
        "Predikat unit dicabut pada %(revoked)s; unit baru dapat diusulkan kembali menuju WBK "
        "mulai %(bar)s (2 tahun setelah pencabutan)."
    ) % {"revoked": _format_date(revoked_on(history)), "bar": _format_date(bar)}


def _format_date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def move_errors(
    *,
    current: str,
    to_stage: str,
    history: Sequence[Move],
    today: dt.date,
    floor: dt.date | None,
    date: dt.date | None,
    sk_number: str,
    sk_date: dt.date | None,
    signatory_count: int | None,
    exception_reason: str,
    pakta_count: int,
    early_exemption: str = "",
    staff_count: int | None = None,
    leader_signed: bool | None = None,
    instansi_pencanangan: dt.date | None = None,
    void_years: Collection[int] = (),
) -> dict[str, str]:
    """Every reason to refuse this move, by form field ("__all__" for the move itself).

    `early_exemption` is the unit's 5/2024 early-proposal type (policy.early_exemption: a listed type in a
    Pemda), which lifts the one year of building; `exception_reason` is only recorded, it lifts nothing.
    """
    errors: dict[str, str] = {}
    refusal = state_refusal(
        current=current, to_stage=to_stage, history=history, today=today, void_years=void_years
    )
    if refusal:
        return {"__all__": refusal}
    if date is None:
        errors["date"] = _("Tanggal wajib diisi.")
    elif date > today:
        errors["date"] = _("Tanggal tidak boleh di masa depan.")
    elif floor is not None and date < floor:
        errors["date"] = _("Tanggal tidak boleh sebelum tanggal tahap sebelumnya (%(floor)s).") % {
            "floor": _format_date(floor)
        }
    if to_stage == Stage.PENCANANGAN:
        if pakta_count < 1:
            errors["files"] = _("Unggah sekurang-kurangnya satu berkas Pakta Integritas (PDF).")
        if signatory_count is None or signatory_count < 1:
            errors["signatory_count"] = _("Jumlah penanda tangan Pakta Integritas sekurang-kurangnya 1.")
        elif staff_count is not None:
            pakta = errors_of_pakta(signatory_count, staff_count)
            if pakta:
                errors["signatory_count"] = pakta
        if leader_signed is False:
            errors["leader_signed"] = _(
                "Pimpinan unit harus ikut menandatangani Pakta Integritas (PermenPANRB 90/2021 "
                "Lampiran I Bab II B)."
            )
    if (
        to_stage == Stage.DITETAPKAN
        and date is not None
        and "date" not in errors
        and instansi_pencanangan is not None
        and date < instansi_pencanangan
    ):
        errors["date"] = _(
            "Penetapan unit adalah tindak lanjut pencanangan instansi (%(date)s); tanggalnya tidak boleh "
            "sebelum pencanangan itu."
        ) % {"date": _format_date(instansi_pencanangan)}
    if to_stage in PREDICATES:
        if not sk_number.strip():
            errors["sk_number"] = _("Nomor SK penetapan predikat wajib diisi.")
        if sk_date is None:
            errors["sk_date"] = _("Tanggal SK penetapan predikat wajib diisi.")
    if sk_date is not None and sk_date > today:
        errors["sk_date"] = _("Tanggal SK tidak boleh di masa depan.")
    if to_stage == Stage.DIUSULKAN and date is not None and "date" not in errors:
        bar = revocation_bar_until(history)
        if bar is not None and date < bar:
            errors["date"] = _revocation_message(history, bar)
        elif not early_exemption:
            start = building_start(history)
            ready = years_after(start, BUILDING_YEARS) if start else None
            if ready is None:
                errors["__all__"] = _(
                    "Unit belum tercatat memasuki tahap pembangunan. Hanya unit pemerintah daerah jenis "
                    "prioritas Stranas PK (RSUD, Dukcapil, Samsat, PTSP, pendidikan, ketenagakerjaan; "
                    "PermenPANRB 5/2024) yang dapat diusulkan sebelum memenuhi syarat pengusulan."
                )
            elif date < ready:
                errors["__all__"] = _(
                    "Unit baru membangun ZI sejak %(start)s; usulan memerlukan sekurang-kurangnya 1 tahun "
                    "pembangunan (mulai %(ready)s). Pengecualian PermenPANRB 5/2024 hanya untuk unit "
                    "pemerintah daerah jenis RSUD, Dukcapil, Samsat, PTSP, pendidikan atau ketenagakerjaan "
                    "(isi jenis unit prioritas Stranas PK pada data unit)."
                ) % {"start": _format_date(start), "ready": _format_date(ready)}
    return errors


def errors_of_pakta(signatories: int, staff: int) -> str:
    """Why `signatories` of `staff` are not "seluruh atau sebagian besar pegawai", or ""."""
    from .policy import policy

    if signatories > staff:
        return _("Jumlah penanda tangan (%(n)s) melebihi jumlah pegawai (%(staff)s).") % {
            "n": signatories,
            "staff": staff,
        }
    rules = policy()
    if not rules.pakta_majority(signatories=signatories, staff=staff):
        return _(
            "Pakta Integritas ditandatangani %(n)s dari %(staff)s pegawai; disyaratkan seluruh atau sebagian "
            "besar (lebih dari %(min)s%%) pegawai (%(source)s)."
        ) % {
            "n": signatories,
            "staff": staff,
            "min": format(rules.pakta_majority_above.normalize(), "f"),
            "source": rules.pakta_source,
        }
    return ""
