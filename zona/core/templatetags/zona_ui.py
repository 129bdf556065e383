"""Small presentation helpers shared by the pages: the colour of a lifecycle stage's badge."""

from __future__ import annotations

from django import template

from zona.units.models import Stage

register = template.Library()

_STAGE_BADGES: dict[str, str] = {
    Stage.BELUM: "text-bg-secondary",
    Stage.DITETAPKAN: "text-bg-info",
    Stage.PENCANANGAN: "text-bg-info",
    Stage.PEMBANGUNAN: "text-bg-primary",
    Stage.PENILAIAN_MANDIRI: "text-bg-primary",
    Stage.EVALUASI_TPI: "text-bg-warning",
    Stage.DIUSULKAN: "text-bg-warning",
    Stage.WBK: "text-bg-success",
    Stage.WBBM: "text-bg-success",
    Stage.DICABUT: "text-bg-danger",
}


@register.filter
def stage_badge(stage: str) -> str:
    """The Bootstrap badge classes for a stage value (text and background with enough contrast)."""
    return _STAGE_BADGES.get(stage, "text-bg-secondary")


@register.filter
def percent(value: object) -> int:
    """A share as a whole percent clamped to 0..100, for the `zona-w-N` width classes (no inline style)."""
    try:
        number = round(float(str(value)))
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(0, min(100, number))
