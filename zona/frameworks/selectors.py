"""Reading framework versions."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Count, OuterRef, QuerySet, Subquery

from zona.lke.framework import Framework as EngineFramework
from zona.lke.framework import FrameworkInvalid, load_framework_file
from zona.lke.mapping import ItemMapping, build_mapping, mapping_frameworks, read_mapping_data

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


def shipped_mapping_files() -> list[Path]:
    from .services import DATA_DIR

    return sorted((DATA_DIR / "mappings").glob("*.yaml"))


def mapping_validate_file(path: str | Path) -> ItemMapping:
    """Check a mapping file against the frameworks it names; FrameworkInvalid names every problem."""
    data = read_mapping_data(path)
    source_code, target_code = mapping_frameworks(data)
    return build_mapping(data, framework_engine_for(source_code), framework_engine_for(target_code))


def framework_mapping(*, source: EngineFramework, target: EngineFramework) -> ItemMapping | None:
    """The shipped, reviewed item mapping from `source` to `target` (None when none is shipped).

    Raises FrameworkInvalid when a mapping is shipped but does not fit these framework versions.
    """
    for path in shipped_mapping_files():
        data = read_mapping_data(path)
        if mapping_frameworks(data) == (source.code, target.code):
            return build_mapping(data, source, target)
    return None
