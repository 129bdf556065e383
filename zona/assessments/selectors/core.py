"""Reading answers back into the engine: the one path from stored rows to scores.

`effective_answers(assessment, stage)` is what a stage sees: the unit's answers, overlaid in order by
every review stage up to and including `stage` (a stage that did not touch an item keeps the answer
before it). Scores always come from `zona.lke.scoring.score` on these answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from zona.accounts import permissions
from zona.frameworks.models import Framework as FrameworkRow
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import InvalidAnswer, parse_answer
from zona.lke.framework import Framework
from zona.lke.scoring import ScoreResult, score

from ..models import Answer, Assessment, ReviewStage

# Who sees the TPI's answers, notes and score while the review is still under way: the evaluators, the
# coordinator and the leaders; the unit's own team and external overseers see them once the assessment is
# returned for revision or final.
TPI_WATCHERS = {"evaluator", "koordinator", "pimpinan"}


def tpi_visible(user: Any, assessment: Assessment) -> bool:
    if assessment.status in (Assessment.Status.RETURNED, Assessment.Status.FINAL):
        return True
    return bool(permissions.roles_for(user, assessment.unit) & TPI_WATCHERS)


def may_act_at_stage(user: Any, assessment: Assessment, stage: ReviewStage) -> bool:
    """An evaluator of the unit's TPI team, and, when the coordinator named the stage's evaluators,
    one of them: so that the stages of a review are not all done by one person."""
    if not permissions.can(user, permissions.Action.REVIEW, assessment):
        return False
    named = getattr(stage, "_evaluator_ids", None)
    if named is None:  # asked once per stage object, however many items a page checks
        named = set(stage.evaluators.values_list("pk", flat=True))
        stage._evaluator_ids = named  # type: ignore[attr-defined]
    return not named or user.pk in named


@lru_cache(maxsize=16)
def _engine(framework_pk: int) -> Framework:
    return FrameworkRow.objects.get(pk=framework_pk).engine()


def engine_for(assessment: Assessment) -> Framework:
    """The engine framework of the assessment's period (versions are immutable, so cached per process)."""
    return _engine(assessment.period.framework_id)


def canonical(framework: Framework, item_code: str, stored: Any) -> EngineAnswer | None:
    """A stored answer value back to the engine's canonical form (None when blank or no longer valid)."""
    item = framework.items.get(item_code)
    if item is None:
        return None
    try:
        return parse_answer(framework, item, stored)
    except InvalidAnswer:
        return None


def stage_chain(assessment: Assessment, stage: ReviewStage | None) -> list[int | None]:
    """Answer layers in order: the unit's (None), then each stage up to `stage`."""
    if stage is None:
        return [None]
    orders = ReviewStage.objects.filter(period_id=assessment.period_id, order__lte=stage.order).order_by(
        "order"
    )
    return [None, *orders.values_list("pk", flat=True)]


def layered_answers(
    framework: Framework, rows: Iterable[Answer], chain: Sequence[int | None]
) -> dict[str, EngineAnswer]:
    """Overlay answer rows already loaded: `chain` lists the layers in order (None = the unit's, then stage
    pks); a later layer wins per item, a blank value leaves the layer before it. Needs no query."""
    position = {stage_pk: index for index, stage_pk in enumerate(chain)}
    layered: dict[str, tuple[int, Any]] = {}
    for row in rows:
        rank = position.get(row.stage_id)
        if rank is None or row.value is None:
            continue
        if row.item_code in layered and layered[row.item_code][0] > rank:
            continue
        layered[row.item_code] = (rank, row.value)
    answers: dict[str, EngineAnswer] = {}
    for code, (_rank, stored) in layered.items():
        value = canonical(framework, code, stored)
        if value is not None:
            answers[code] = value
    return answers


def effective_answers(
    assessment: Assessment, stage: ReviewStage | None = None, rows: Iterable[Answer] | None = None
) -> dict[str, EngineAnswer]:
    if rows is None:
        rows = Answer.objects.filter(assessment=assessment).only("item_code", "value", "stage_id")
    return layered_answers(engine_for(assessment), rows, stage_chain(assessment, stage))


def assessment_score(assessment: Assessment, stage: ReviewStage | None = None) -> ScoreResult:
    return score(engine_for(assessment), effective_answers(assessment, stage))
