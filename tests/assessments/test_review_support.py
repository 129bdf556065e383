"""Set-up shared by the submission and review tests (no tests here)."""

from __future__ import annotations

from typing import Any

from tests.assessments.helpers import assessment_of, open_period
from tests.conftest import best_raw
from tests.factories import make_user
from zona.accounts.models import Role
from zona.assessments.models import Answer, Assessment, Evidence, ReviewStage
from zona.assessments.selectors.core import engine_for
from zona.assessments.services.answers import answer_save
from zona.assessments.services.review import assessment_submit
from zona.lke.answers import answer_to_json, parse_answer
from zona.units import services as unit_services


def stages(assessment: Assessment) -> list[ReviewStage]:
    return list(ReviewStage.objects.filter(period_id=assessment.period_id).order_by("order"))


def fill_everything(assessment: Assessment, actor: Any) -> None:
    """Every item answered at its best, each with a link as evidence (written directly: this is set-up)."""
    framework = engine_for(assessment)
    raw = best_raw(framework)
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            item_code=code,
            value=answer_to_json(parse_answer(framework, item, raw[code])),
            updated_by=actor,
        )
        for code, item in framework.items.items()
    )
    add_evidence(assessment, actor, list(framework.items))


def add_evidence(assessment: Assessment, actor: Any, codes: list[str]) -> None:
    Evidence.objects.bulk_create(
        Evidence(
            assessment=assessment,
            item_code=code,
            url="https://zi.beltim.go.id/bukti",
            title=f"Bukti {code}",
            added_by=actor,
        )
        for code in codes
    )


def draft_with_answers(regency: Any, **period_kwargs: Any) -> Assessment:
    """Unit A's draft with a few answers of operator-a (A.I.1.i.a Ya, A.I.1.i.b A, A.I.1.ii.a Ya)."""
    assessment = assessment_of(open_period(regency, **period_kwargs), regency.unit_a)
    for code, value in (("A.I.1.i.a", "Ya"), ("A.I.1.i.b", "A"), ("A.I.1.ii.a", "Ya")):
        answer_save(
            assessment=assessment,
            item_code=code,
            value=value,
            actor=regency.operator_a,
            narrative=f"Penjelasan {code}",
        )
    add_evidence(assessment, regency.operator_a, ["A.I.1.i.a"])
    return assessment


def in_review(regency: Any) -> Assessment:
    """Unit A's assessment submitted (incomplete, acknowledged) by ketua-a: in review at stage 1."""
    assessment = draft_with_answers(regency)
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assessment.refresh_from_db()
    return assessment


def second_evaluator(regency: Any, username: str = "tpi1b") -> Any:
    return make_user(username, Role.EVALUATOR, instansi=regency.instansi, tpi_team=regency.tpi_team)


def other_team_evaluator(regency: Any) -> Any:
    """An evaluator of a TPI team that covers unit B only."""
    team = unit_services.tpi_team_create(instansi=regency.instansi, name="TPI Inspektorat 2", actor=None)
    unit_services.tpi_team_assign_units(team=team, units=[regency.unit_b], actor=None)
    return make_user("tpi2", Role.EVALUATOR, instansi=regency.instansi, tpi_team=team)
