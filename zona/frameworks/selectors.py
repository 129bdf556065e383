"""Reading framework versions."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Count, OuterRef, QuerySet, Subquery

from zona.lke.framework import Framework as EngineFramework
from zona.lke.framework import FrameworkInvalid, load_framework_file

from .models import Framework


def framework_list(*, latest_only: bool = True) -> QuerySet[Framework]:
    """Framework versions with their item counts; by default only the newest version of each code."""
    qs = Framework.objects.annotate(item_count=Count("items")).order_by("code", "-version")
    if latest_only:
        newest = Framework.objects.filter(code=OuterRef("code")).order_by("-version").values("pk")[:1]
        qs = qs.filter(pk=Subquery(newest))
    return qs


def framework_get(*, code: str, version: int | None = None) -> Framework | None:
    qs = Framework.objects.filter(code=code)
    if version is not None:
        qs = qs.filter(version=version)
    return qs.order_by("-version").first()


def framework_engine_for(reference: str) -> EngineFramework:
    """The engine framework named by `reference`: a file path, a shipped code, or a loaded code.

    A shipped file wins over the database so that the CLI works before `zona frameworks load` (and
    without a database); raises FrameworkInvalid with a sentence when nothing matches.
    """
    from .services import DATA_DIR

    path = Path(reference)
    if reference.endswith((".yaml", ".yml")) and path.exists():
        return load_framework_file(path)
    shipped = DATA_DIR / f"{reference}.yaml"
    if shipped.exists():
        return load_framework_file(shipped)
    try:
        loaded = framework_get(code=reference)
    except Exception:
        loaded = None
    if loaded is None:
        known = ", ".join(p.stem for p in sorted(DATA_DIR.glob("*.yaml")))
        raise FrameworkInvalid([f"kerangka {reference!r} tidak dikenal (tersedia: {known})"])
    return loaded.engine()
