"""The demo's current assessment period: assessments at every stage, with answers and sample evidence.

Answers are drawn from a seeded random generator per unit (so every `make run` shows the same regency),
biased by a "maturity" per unit; the workflow goes through the real services (answer_save, submit,
review stages, return, finalise), so the audit trail and the history look as real use leaves them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from zona.accounts.models import Role, RoleAssignment, User
from zona.assessments.models import Assessment, Period
from zona.assessments.services.answers import answer_save
from zona.assessments.services.evidence import evidence_upload
from zona.assessments.services.periods import period_open
from zona.assessments.services.review import (
    area_note_save,
    assessment_submit,
    review_advance,
    review_finalise,
    review_return,
)
from zona.frameworks.models import Framework
from zona.lke.framework import Framework as EngineFramework
from zona.units.models import Instansi, Unit

FRAMEWORK_CODE = "permenpanrb-90-2021"
FRAMEWORK_2014 = "permenpanrb-52-2014"
EARLIER_YEAR = 2020


@dataclass(frozen=True)
class Plan:
    slug: str
    maturity: float  # 0..1: how close to the best answers the unit is
    answered: float  # share of items answered
    state: str  # draft | in_review_1 | in_review_2 | in_review_3 | returned | final


PLANS = [
    Plan("dukcapil", 0.92, 1.0, "final"),
    Plan("dpmptsp", 0.85, 1.0, "in_review_3"),
    Plan("rsud", 0.8, 1.0, "in_review_2"),
    Plan("bapenda", 0.72, 1.0, "returned"),
    Plan("bkpsdm", 0.65, 0.95, "in_review_1"),
    Plan("kec-manggar", 0.55, 0.6, "draft"),
    Plan("pkm-manggar", 0.5, 0.25, "draft"),
    Plan("disdik", 0.5, 0.0, "draft"),
]


# The TPI's findings and recommendations per area for the finalised demo assessment (printed in the LHE).
AREA_NOTES = {
    1: (
        "Tim kerja dan rencana pembangunan ZI telah ditetapkan; monitoring belum rutin setiap triwulan.",
        "Laksanakan monitoring dan evaluasi pembangunan ZI setiap triwulan dan tindak lanjuti hasilnya.",
    ),
    3: (
        "Pola mutasi internal belum seluruhnya dijadikan dasar penempatan pegawai.",
        "Tetapkan kebijakan pola mutasi internal dan terapkan pada mutasi berikutnya.",
    ),
    6: (
        "Standar pelayanan telah dipublikasikan; survei kepuasan dilakukan dua kali setahun.",
        "Lakukan survei kepuasan masyarakat setiap triwulan dan umumkan tindak lanjutnya.",
    ),
}

# What the instansi and the finalised demo unit achieved (PermenPANRB 90/2021 Tabel 5 prerequisites).
INSTANSI_PREREQUISITES = {"opini_bpk": "WTP", "sakip_instansi": "BB", "indeks_rb": "B", "maturitas_spip": "3"}
UNIT_PREREQUISITES = {
    "layanan_inti": "ya",
    "tindak_lanjut_temuan": "100",
    "kepatuhan_lhkpn": "100",
    "kepatuhan_lhkasn": "100",
    "sakip_unit": "BB",
}


def _demo_prerequisites(*, instansi: Instansi, unit: Unit, year: int, actor: User) -> None:
    from zona.lifecycle.services import prerequisite_save

    for code, value in INSTANSI_PREREQUISITES.items():
        prerequisite_save(instansi=instansi, year=year, code=code, value=value, actor=actor)
    for code, value in UNIT_PREREQUISITES.items():
        prerequisite_save(instansi=instansi, unit=unit, year=year, code=code, value=value, actor=actor)


# The unit with an earlier LKE under 52/2014: its current 90/2021 draft is partly answered, so the carry-over
# preview shows answers that carry, answers that are kept and items to answer anew.
EARLIER_PLAN = Plan("kec-manggar", 0.7, 1.0, "final")


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    from zona.demo.regency import minimal_pdf

    return SimpleUploadedFile(name, minimal_pdf(title), content_type="application/pdf")


def _answer(framework: EngineFramework, code: str, rng: random.Random, maturity: float) -> Any:
    """A plausible answer: better options more likely the more mature the unit is."""
    item = framework.items[code]
    answer_type = framework.answer_type(item)
    if answer_type.kind == "choice":
        options = sorted(answer_type.options, key=lambda key: -answer_type.options[key])
        # index 0 = best; a mature unit mostly picks the best or the next one
        position = min(int(rng.expovariate(1 / max(0.05, (1 - maturity) * 2.2))), len(options) - 1)
        return options[position]
    if answer_type.kind == "index":
        return round(min(4.0, 3.1 + maturity * 0.8 + rng.uniform(-0.15, 0.1)), 2)
    if item.inputs:
        values = {}
        for entry in item.inputs:
            values[entry.key] = rng.randint(3, 40)
        keys = [entry.key for entry in item.inputs]
        # make the "achieved" input (the last one named in the numerator) a share of the others
        numerator = item.formula.numerator if item.formula else ""
        for key in keys:
            if key in numerator and len(keys) > 1:
                total = sum(v for k, v in values.items() if k != key)
                values[key] = max(0, min(total, round(total * (maturity + rng.uniform(-0.1, 0.1)))))
        return values
    return {"percent": round(100 * min(1.0, maturity + rng.uniform(-0.1, 0.1)))}


def _ketua(unit: Unit, instansi: Instansi, password: str) -> User:
    from zona.accounts import services as account_services

    username = f"ketua-{unit.slug}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            username=username, password=password, full_name=f"Ketua Tim ZI {unit.name}", validate=False
        )
        account_services.role_assign(user=user, role=Role.KETUA_TIM, instansi=instansi, unit=unit)
    return user


def _evaluator(unit: Unit) -> User:
    assignment = (
        RoleAssignment.objects.filter(role=Role.EVALUATOR, tpi_team__units=unit, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if assignment is None:
        raise RuntimeError(f"no TPI evaluator covers {unit}")
    return assignment.user


def load_assessments(*, instansi: Instansi, koordinator: User, password: str, today: dt.date) -> Period:
    framework_row = Framework.objects.filter(code=FRAMEWORK_CODE).order_by("-version").first()
    if framework_row is None:
        raise RuntimeError("load the frameworks first: zona frameworks load")
    units = {unit.slug: unit for unit in Unit.objects.filter(instansi=instansi)}
    period = period_open(
        instansi=instansi,
        framework=framework_row,
        year=today.year,
        self_start=today - dt.timedelta(days=60),
        self_end=today + dt.timedelta(days=20),
        review_start=today - dt.timedelta(days=10),
        review_end=today + dt.timedelta(days=40),
        revision_end=today + dt.timedelta(days=55),
        units=[units[plan.slug] for plan in PLANS],
        actor=koordinator,
        name=f"Penilaian Mandiri ZI {today.year}",
    )
    framework = framework_row.engine()
    stages = list(period.stages.order_by("order"))
    _demo_prerequisites(instansi=instansi, unit=units["dukcapil"], year=today.year, actor=koordinator)
    for plan in PLANS:
        _play(plan, units[plan.slug], period, framework, stages, instansi, password)
    load_earlier_lke(instansi=instansi, koordinator=koordinator, password=password)
    return period


def load_earlier_lke(*, instansi: Instansi, koordinator: User, password: str) -> Period:
    """A 2020 LKE under PermenPANRB 52/2014 for one unit (reviewed and final), so that the carry-over of
    its answers to the unit's current 90/2021 draft can be seen ("Bawa jawaban periode sebelumnya")."""
    framework_row = Framework.objects.filter(code=FRAMEWORK_2014).order_by("-version").first()
    if framework_row is None:
        raise RuntimeError("load the frameworks first: zona frameworks load")
    unit = Unit.objects.get(instansi=instansi, slug=EARLIER_PLAN.slug)
    period = period_open(
        instansi=instansi,
        framework=framework_row,
        year=EARLIER_YEAR,
        self_start=dt.date(EARLIER_YEAR, 2, 3),
        self_end=dt.date(EARLIER_YEAR, 5, 29),
        review_start=dt.date(EARLIER_YEAR, 6, 2),
        review_end=dt.date(EARLIER_YEAR, 7, 31),
        revision_end=dt.date(EARLIER_YEAR, 8, 14),
        units=[unit],
        actor=koordinator,
        name=f"Penilaian Mandiri ZI {EARLIER_YEAR} (PermenPANRB 52/2014)",
    )
    stages = list(period.stages.order_by("order"))
    _play(EARLIER_PLAN, unit, period, framework_row.engine(), stages, instansi, password)
    return period


def _play(
    plan: Plan,
    unit: Unit,
    period: Period,
    framework: EngineFramework,
    stages: list[Any],
    instansi: Instansi,
    password: str,
) -> None:
    """Answer a unit's assessment and take it through the workflow to the plan's state."""
    assessment = Assessment.objects.get(period=period, unit=unit)
    operator = User.objects.get(username=f"operator-{unit.slug}")
    rng = random.Random(f"zona-demo-{unit.slug}")  # noqa: S311 - demo data, not security
    codes = list(framework.items)
    skipped = set(rng.sample(codes, k=len(codes) - round(len(codes) * plan.answered)))
    answered = [code for code in codes if code not in skipped]
    for index, code in enumerate(answered):
        narrative = "Sudah dilaksanakan sesuai rencana kerja; lihat data dukung." if index % 4 == 0 else ""
        answer_save(
            assessment=assessment,
            item_code=code,
            value=_answer(framework, code, rng, plan.maturity),
            actor=operator,
            narrative=narrative,
        )
        if index % 3 == 0:
            item = framework.items[code]
            title = (item.evidence or item.question)[:80]
            evidence_upload(
                assessment=assessment,
                item_code=code,
                actor=operator,
                title=title,
                files=[_pdf(f"{code} {title}.pdf", f"{unit.name} - {code} - {title}")],
            )
    if plan.state == "draft":
        return
    ketua = _ketua(unit, instansi, password)
    assessment_submit(assessment=assessment, actor=ketua, acknowledge_incomplete=True)
    evaluator = _evaluator(unit)
    target_stage = {"in_review_1": 1, "returned": 1, "in_review_2": 2, "in_review_3": 3, "final": 3}[
        plan.state
    ]
    for stage in stages[:target_stage]:
        assessment.refresh_from_db()
        # each stage corrects a few answers downwards, as a careful evaluator does
        for code in rng.sample(answered, k=min(4, len(answered))):
            item = framework.items[code]
            if framework.answer_type(item).kind != "choice":
                continue
            options = sorted(
                framework.answer_type(item).options,
                key=lambda key: -framework.answer_type(item).options[key],
            )
            current = assessment.answers.filter(item_code=code, stage__isnull=True).first()
            if current is None:
                continue
            position = (
                min(options.index(current.value) + 1, len(options) - 1) if current.value in options else 0
            )
            answer_save(
                assessment=assessment,
                item_code=code,
                value=options[position],
                actor=evaluator,
                stage=stage,
                note=f"{stage.name}: data dukung belum menunjukkan pelaksanaan penuh.",
            )
        if plan.state == "returned":
            returned = [c for c in answered if framework.answer_type(framework.items[c]).kind == "choice"][:2]
            review_return(
                assessment=assessment,
                stage=stage,
                actor=evaluator,
                items={c: "Lengkapi data dukung: notulen dan daftar hadir." for c in returned},
            )
            break
        if stage.order < target_stage:
            review_advance(assessment=assessment, stage=stage, actor=evaluator)
    if plan.state == "final":
        assessment.refresh_from_db()
        for area, (findings, recommendations) in AREA_NOTES.items():
            area_note_save(
                assessment=assessment,
                area=area,
                findings=findings,
                recommendations=recommendations,
                actor=evaluator,
            )
        review_finalise(assessment=assessment, actor=evaluator)
