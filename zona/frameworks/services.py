"""Loading framework files into the database: idempotent, and never mutating a loaded version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from zona.audit.services import audit_record
from zona.core.versioned import canonical_definition, definition_hash
from zona.lke.framework import Framework as EngineFramework
from zona.lke.framework import build_framework, read_framework_data

from .models import Framework, Item, Node

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: bool


def shipped_framework_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def framework_load_file(*, path: Path) -> LoadResult:
    """Load one framework file; raises FrameworkInvalid (nothing written) when it does not validate."""
    definition = canonical_definition(read_framework_data(path))
    engine = build_framework(definition)
    return framework_load_definition(definition=definition, engine=engine, source_file=path.name)


@transaction.atomic
def framework_load_definition(
    *, definition: dict[str, Any], engine: EngineFramework, source_file: str = ""
) -> LoadResult:
    content_hash = definition_hash(definition)
    existing = Framework.objects.filter(code=engine.code, content_hash=content_hash).first()
    if existing is not None:
        return LoadResult(existing, created=False)
    latest = (
        Framework.objects.select_for_update().filter(code=engine.code).aggregate(v=Max("version"))["v"] or 0
    )
    framework = Framework.objects.create(
        code=engine.code,
        version=latest + 1,
        name=engine.name,
        regulation=engine.regulation,
        complete=engine.complete,
        notes=engine.notes,
        content_hash=content_hash,
        source_file=source_file,
        definition=definition,
    )
    _create_rows(framework, engine)
    audit_record(
        event="framework.loaded",
        obj=framework,
        actor_repr="zona frameworks load",
        changes={
            "code": engine.code,
            "version": [latest or None, framework.version],
            "sha256": content_hash,
            "items": len(engine.items),
            "source": source_file,
        },
    )
    return LoadResult(framework, created=True)


def _create_rows(framework: Framework, engine: EngineFramework) -> None:
    area_nodes = {code for area in engine.areas for code in area.nodes}
    aspect_nodes = set(engine.aspects.values())
    rows: dict[str, Node] = {}
    for node in engine.nodes.values():
        if node.parent is None:
            kind = Node.Kind.COMPONENT
        elif node.code in aspect_nodes:
            kind = Node.Kind.ASPECT
        elif node.code in area_nodes:
            kind = Node.Kind.AREA
        elif node.is_indicator:
            kind = Node.Kind.INDICATOR
        else:
            kind = Node.Kind.GROUP
        rows[node.code] = Node(
            framework=framework,
            code=node.code,
            name=node.name,
            kind=kind,
            weight=None if node.weight is None else round(float(node.weight), 4),
            area=engine.area_of(node.code),
            order=node.order,
        )
    Node.objects.bulk_create(rows.values())
    for node in engine.nodes.values():
        if node.parent is not None:
            rows[node.code].parent = rows[node.parent]
    Node.objects.bulk_update([row for row in rows.values() if row.parent is not None], ["parent"])
    Item.objects.bulk_create(
        Item(
            framework=framework,
            indicator=rows[item.indicator],
            code=item.code,
            question=item.question,
            answer_type=item.type,
            options=list(item.options),
            evidence=item.evidence,
            inputs=[{"key": entry.key, "label": entry.label} for entry in item.inputs],
            area=engine.area_of(item.code),
            order=item.order,
        )
        for item in engine.items.values()
    )


def frameworks_load_shipped() -> list[LoadResult]:
    return [framework_load_file(path=path) for path in shipped_framework_files()]
