"""Writing the organisation: instansi, units (with their materialised path), service types, TPI teams."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zona.audit.services import audit_record, diff, snapshot

from .models import Instansi, ServiceType, TpiTeam, Unit

UNIT_FIELDS = (
    "name",
    "slug",
    "kind",
    "head_name",
    "head_title",
    "serves_public",
    "stranas_type",
    "address",
    "parent_id",
    "is_active",
)
PATH_WIDTH = 8


def _check_stranas_type(value: str) -> None:
    from zona.lifecycle.policy import policy  # the regulation's list, as data

    if value and value not in policy().early_types:
        raise ValidationError({"stranas_type": _("Jenis unit prioritas Stranas PK tidak dikenal.")})


def _unique_slug(instansi: Instansi, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "unit"
    slug, n = base, 2
    qs = Unit.objects.filter(instansi=instansi)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def instansi_create(
    *, name: str, kind: str, slug: str = "", short_name: str = "", actor: Any = None
) -> Instansi:
    instansi = Instansi.objects.create(
        name=name, kind=kind, slug=slug or slugify(name)[:80], short_name=short_name
    )
    audit_record(
        event="instansi.created", actor=actor, obj=instansi, changes=diff(None, {"name": name, "kind": kind})
    )
    return instansi


@transaction.atomic
def unit_create(
    *,
    instansi: Instansi,
    name: str,
    kind: str,
    parent: Unit | None = None,
    actor: Any = None,
    slug: str = "",
    **fields: Any,
) -> Unit:
    """Create a unit under `parent` (same instansi); its path places it in the tree."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Nama unit wajib diisi.")})
    if parent is not None and parent.instansi_id != instansi.pk:
        raise ValidationError({"parent": _("Unit induk harus berada pada instansi yang sama.")})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Jenis unit tidak dikenal.")})
    _check_stranas_type(fields.get("stranas_type", ""))
    unit = Unit(instansi=instansi, parent=parent, name=name, kind=kind, **fields)
    unit.slug = slugify(slug)[:80] if slug else _unique_slug(instansi, name)
    if Unit.objects.filter(instansi=instansi, slug=unit.slug).exists():
        raise ValidationError({"slug": _("Slug %(slug)s sudah dipakai unit lain.") % {"slug": unit.slug}})
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk:0{PATH_WIDTH}d}/"
    unit.save(update_fields=["path"])
    audit_record(event="unit.created", actor=actor, obj=unit, changes=diff(None, snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: Any, **fields: Any) -> Unit:
    """Change a unit's own record; moving it re-paths its whole subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    new_parent = fields.pop("parent", unit.parent)
    for key, value in fields.items():
        if key not in UNIT_FIELDS:
            raise ValidationError({key: _("Kolom ini tidak dapat diubah.")})
        setattr(unit, key, value)
    if not unit.name.strip():
        raise ValidationError({"name": _("Nama unit wajib diisi.")})
    _check_stranas_type(unit.stranas_type)
    if new_parent != unit.parent:
        if new_parent is not None and (
            new_parent.instansi_id != unit.instansi_id or new_parent.path.startswith(unit.path)
        ):
            raise ValidationError(
                {"parent": _("Unit tidak dapat dipindah ke bawah dirinya sendiri atau instansi lain.")}
            )
        old_path = unit.path
        unit.parent = new_parent
        unit.path = f"{new_parent.path if new_parent else '/'}{unit.pk:0{PATH_WIDTH}d}/"
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    unit.full_clean(exclude=["path", "parent", "instansi"])
    unit.save()
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        audit_record(event="unit.updated", actor=actor, obj=unit, changes=changes)
    return unit


@transaction.atomic
def service_type_set(*, unit: Unit, names: list[str], actor: Any) -> list[ServiceType]:
    """Replace the unit's list of service types (jenis layanan)."""
    cleaned: list[str] = []
    for name in names:
        name = name.strip()
        if name and name.casefold() not in {n.casefold() for n in cleaned}:
            cleaned.append(name)
    before = sorted(unit.service_types.values_list("name", flat=True))
    unit.service_types.exclude(name__in=cleaned).delete()
    for name in cleaned:
        ServiceType.objects.get_or_create(unit=unit, name=name)
    if before != sorted(cleaned):
        audit_record(
            event="unit.service_types",
            actor=actor,
            obj=unit,
            changes={"service_types": [before, sorted(cleaned)]},
        )
    return list(unit.service_types.all())


@transaction.atomic
def tpi_team_create(
    *, instansi: Instansi, name: str, actor: Any, sk_number: str = "", sk_date: Any = None
) -> TpiTeam:
    team = TpiTeam.objects.create(instansi=instansi, name=name, sk_number=sk_number, sk_date=sk_date)
    audit_record(
        event="tpi_team.created",
        actor=actor,
        obj=team,
        changes=diff(None, {"name": name, "sk_number": sk_number}),
    )
    return team


@transaction.atomic
def tpi_team_assign_units(*, team: TpiTeam, units: list[Unit], actor: Any) -> TpiTeam:
    if any(unit.instansi_id != team.instansi_id for unit in units):
        raise ValidationError(_("Unit yang dinilai harus berada pada instansi tim."))
    before = sorted(team.units.values_list("pk", flat=True))
    team.units.set(units)
    after = sorted(unit.pk for unit in units)
    if before != after:
        audit_record(event="tpi_team.units", actor=actor, obj=team, changes={"units": [before, after]})
    return team


@transaction.atomic
def unit_create_with_service_types(
    *,
    instansi: Instansi,
    name: str,
    kind: str,
    actor: Any,
    parent: Unit | None = None,
    service_types: list[str] | None = None,
    **fields: Any,
) -> Unit:
    """Create a unit and its list of service types in one transaction (both audited)."""
    unit = unit_create(instansi=instansi, name=name, kind=kind, parent=parent, actor=actor, **fields)
    if service_types:
        service_type_set(unit=unit, names=service_types, actor=actor)
    return unit


@transaction.atomic
def unit_update_with_service_types(
    *, unit: Unit, actor: Any, service_types: list[str], **fields: Any
) -> Unit:
    """Change a unit's record and replace its service types in one transaction (both audited)."""
    unit = unit_update(unit=unit, actor=actor, **fields)
    service_type_set(unit=unit, names=service_types, actor=actor)
    return unit
