"""The one place that answers "may this user do this to this object".

Views, the API and exports all ask here: `can(user, action, obj)` for one object, `visible_units(user)`
for lists, and `get_object_or_deny(user, action, queryset, **lookup)` in views, which gives 404 for what
the user may not even see (another unit, another instansi) and 403 for what they see but may not do.

Scopes:
- koordinator: the whole instansi (or a unit subtree when the assignment names a unit).
- evaluator (TPI): the units assigned to their TPI team; reviews, never edits a unit's own data.
- ketua_tim / anggota_tim / operator: their unit's subtree.
- pimpinan: read-only over the instansi or a unit subtree.
- pengawas: read-only over the units the coordinator published to them (OverseerGrant): the unit and its
  final LHE (`Action.READ_LHE`), not a DRAF LHE nor the data dukung files (`Action.VIEW_EVIDENCE`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from zona.audit.models import AuditEvent
from zona.units.models import Instansi, Stage, Unit

from .models import UNIT_ROLES, OverseerGrant, Role, RoleAssignment

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"  # see the object
    CHANGE = "change"  # edit the unit's own data (team, agents, prerequisites, documents)
    MANAGE = "manage"  # create/delete units, TPI teams, periods; instansi-level data
    MANAGE_USERS = "manage_users"  # users and role assignments
    VIEW_AUDIT = "view_audit"
    TRANSITION = "transition"  # move a unit's lifecycle (which stage: see `can_transition`)
    REVIEW = "review"  # TPI evaluation work
    SUBMIT = "submit"  # submit a unit's self-assessment to the TPI (the unit head / ketua tim)
    READ_LHE = "read_lhe"  # download an assessment's final LHE (the published report)
    READ_DRAFT_LHE = "read_draft_lhe"  # download the DRAF LHE of an unfinished assessment
    VIEW_EVIDENCE = "view_evidence"  # open a data dukung file or the evidence ZIP


# What an external overseer (pengawas) reads of a unit published to them: the unit and its published
# report (the final LHE), never the work in progress (a DRAF LHE) nor the unit's evidence files.
_NOT_FOR_OVERSEERS = {r.value for r in Role} - {Role.PENGAWAS}


@dataclass(frozen=True)
class Grant:
    role: str
    instansi_id: int
    unit_path: str | None  # subtree root path, None = whole instansi
    unit_ids: frozenset[int] | None  # explicit unit set (TPI team units, overseer grants)


def _grants(user: Any) -> list[Grant]:
    """The user's active role grants, computed once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_zona_grants", None)
    if cached is not None:
        return cached
    grants: list[Grant] = []
    assignments = (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("unit")
        .prefetch_related("tpi_team__units")
    )
    for assignment in assignments:
        if assignment.role == Role.EVALUATOR:
            ids = (
                frozenset(u.pk for u in assignment.tpi_team.units.all())
                if assignment.tpi_team
                else frozenset()
            )
            grants.append(Grant(assignment.role, assignment.instansi_id, None, ids))
        elif assignment.role == Role.PENGAWAS:
            ids = frozenset(
                OverseerGrant.objects.filter(user=user, unit__instansi_id=assignment.instansi_id).values_list(
                    "unit_id", flat=True
                )
            )
            grants.append(Grant(assignment.role, assignment.instansi_id, None, ids))
        else:
            path = assignment.unit.path if assignment.unit is not None else None
            grants.append(Grant(assignment.role, assignment.instansi_id, path, None))
    user._zona_grants = grants
    return grants


def forget(user: Any) -> None:
    """Drop the cached grants (after a role change in the same request)."""
    if hasattr(user, "_zona_grants"):
        del user._zona_grants


def roles(user: Any) -> set[str]:
    return {grant.role for grant in _grants(user)}


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def _covers(grant: Grant, unit: Unit) -> bool:
    if grant.instansi_id != unit.instansi_id:
        return False
    if grant.unit_ids is not None:
        return unit.pk in grant.unit_ids
    return grant.unit_path is None or unit.path.startswith(grant.unit_path)


def _unit_q(grant: Grant, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}instansi_id": grant.instansi_id})
    if grant.unit_ids is not None:
        return q & Q(**{f"{prefix}pk__in": grant.unit_ids})
    if grant.unit_path is not None:
        q &= Q(**{f"{prefix}path__startswith": grant.unit_path})
    return q


def _roles_for_unit(user: Any, unit: Unit) -> set[str]:
    return {grant.role for grant in _grants(user) if _covers(grant, unit)}


def roles_for(user: Any, unit: Unit) -> set[str]:
    """The user's roles that cover `unit`."""
    return _roles_for_unit(user, unit)


def visible_units(user: Any, *, roles_in: Iterable[str] | None = None) -> QuerySet[Unit]:
    """Units the user may see (optionally only through some roles)."""
    wanted = set(roles_in) if roles_in is not None else None
    q = Q(pk__in=[])
    for grant in _grants(user):
        if wanted is None or grant.role in wanted:
            q |= _unit_q(grant)
    return Unit.objects.filter(q)


def visible_instansi(user: Any) -> QuerySet[Instansi]:
    return Instansi.objects.filter(pk__in={grant.instansi_id for grant in _grants(user)})


def scope_filter(user: Any, queryset: QuerySet[M], *, unit_field: str = "unit") -> QuerySet[M]:
    """Narrow a queryset of unit-owned objects to those the user may see."""
    q = Q(pk__in=[])
    for grant in _grants(user):
        q |= _unit_q(grant, prefix=f"{unit_field}__")
    return queryset.filter(q)


# Which roles may do what to a unit's data. Unit-level objects (teams, agents, lifecycle, prerequisites,
# documents) follow the unit they belong to.
_UNIT_ACTIONS: dict[str, set[str]] = {
    Action.VIEW: {r.value for r in Role},
    Action.CHANGE: {Role.KOORDINATOR, Role.KETUA_TIM, Role.OPERATOR},
    Action.MANAGE: {Role.KOORDINATOR},
    Action.MANAGE_USERS: {Role.KOORDINATOR},
    Action.VIEW_AUDIT: {Role.KOORDINATOR},
    Action.TRANSITION: {Role.KOORDINATOR, Role.KETUA_TIM, Role.OPERATOR, Role.EVALUATOR},
    Action.REVIEW: {Role.EVALUATOR},
    Action.SUBMIT: {Role.KOORDINATOR, Role.KETUA_TIM},
    Action.READ_LHE: {r.value for r in Role},
    Action.READ_DRAFT_LHE: _NOT_FOR_OVERSEERS,
    Action.VIEW_EVIDENCE: _NOT_FOR_OVERSEERS,
}

# Who may move a unit into each stage (the rules of the move itself live in the lifecycle service).
STAGE_ROLES: dict[str, set[str]] = {
    Stage.BELUM: {Role.KOORDINATOR},
    Stage.DITETAPKAN: {Role.KOORDINATOR},
    Stage.PENCANANGAN: {Role.KOORDINATOR, Role.KETUA_TIM, Role.OPERATOR},
    Stage.PEMBANGUNAN: {Role.KOORDINATOR, Role.KETUA_TIM, Role.OPERATOR},
    Stage.PENILAIAN_MANDIRI: {Role.KOORDINATOR, Role.KETUA_TIM},
    Stage.EVALUASI_TPI: {Role.KOORDINATOR, Role.EVALUATOR},
    Stage.DIUSULKAN: {Role.KOORDINATOR},
    Stage.WBK: {Role.KOORDINATOR},
    Stage.WBBM: {Role.KOORDINATOR},
    Stage.DICABUT: {Role.KOORDINATOR},
}


def unit_of(obj: Any) -> Unit | None:
    """The unit an object belongs to (None for instansi-level objects)."""
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, AuditEvent):
        return None  # audit records are the coordinator's to read, whatever unit they concern
    if getattr(obj, "unit_id", None) is not None:
        return obj.unit
    team = getattr(obj, "team", None)
    if team is not None and hasattr(team, "unit"):
        return team.unit
    assessment = getattr(obj, "assessment", None)
    if assessment is not None:
        return assessment.unit
    return None


def instansi_id_of(obj: Any) -> int | None:
    if isinstance(obj, Instansi):
        return obj.pk
    unit = unit_of(obj)
    if unit is not None:
        return unit.instansi_id
    return getattr(obj, "instansi_id", None)


def can(user: Any, action: str, obj: Any) -> bool:
    """May `user` do `action` to `obj` (a Unit, an Instansi, or anything that belongs to one)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    allowed = _UNIT_ACTIONS.get(action, set())
    unit = unit_of(obj)
    if unit is not None:
        have = _roles_for_unit(user, unit)
        if action == Action.CHANGE and isinstance(obj, Unit):
            # A unit's own record (name, head, kind) is the coordinator's; its team edits team data.
            allowed = {Role.KOORDINATOR}
        return bool(have & allowed)
    instansi_id = instansi_id_of(obj)
    if instansi_id is None:
        return False
    # Instansi-level objects: whole-instansi grants only (a unit-scoped coordinator does not own them).
    have = {g.role for g in _grants(user) if g.instansi_id == instansi_id}
    whole = {
        g.role
        for g in _grants(user)
        if g.instansi_id == instansi_id and g.unit_path is None and g.unit_ids is None
    }
    if isinstance(obj, AuditEvent):
        return Role.KOORDINATOR in whole and action in (Action.VIEW, Action.VIEW_AUDIT)
    if action == Action.VIEW:
        # An external overseer sees the instansi itself, and otherwise only the units published to them.
        return bool(have - {Role.PENGAWAS}) or (Role.PENGAWAS in have and isinstance(obj, Instansi))
    if action == Action.CHANGE and isinstance(obj, Instansi):
        return Role.KOORDINATOR in whole
    return bool(whole & allowed & {Role.KOORDINATOR})


def may_read_lhe(user: Any, assessment: Any, *, final: bool) -> bool:
    """May `user` download the assessment's LHE: the final report, or (not `final`) the DRAF one.

    (A DRAF also carries the stages' notes: the caller checks those are visible to the user.)"""
    return can(user, Action.READ_LHE if final else Action.READ_DRAFT_LHE, assessment)


def can_transition(user: Any, unit: Unit, to_stage: str) -> bool:
    return bool(_roles_for_unit(user, unit) & STAGE_ROLES.get(to_stage, set()))


def can_see(user: Any, obj: Any) -> bool:
    return can(user, Action.VIEW, obj)


def get_object_or_deny(user: Any, action: str, queryset: QuerySet[M], **lookup: Any) -> M:
    """The object, or 404 when the user may not see it (as if it did not exist), or 403."""
    try:
        obj = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not can(user, Action.VIEW, obj):
        _record_denial(user, action, obj, "not_visible")
        raise Http404
    if action != Action.VIEW and not can(user, action, obj):
        deny(user, action, obj)
    return obj


def deny(user: Any, action: str, obj: Any = None) -> NoReturn:
    """Refuse with 403, leaving an `access.denied` audit record (the object when there is one)."""
    _record_denial(user, action, obj, "forbidden")
    raise RecordedDenial


class RecordedDenial(PermissionDenied):
    """A 403 already written to the audit trail (the 403 handler does not write it twice)."""


def _record_denial(user: Any, action: str, obj: Any, reason: str) -> None:
    from zona.audit.services import audit_denial

    audit_denial(event="access.denied", actor=user, obj=obj, changes={"action": action, "reason": reason})


def unit_roles() -> tuple[str, ...]:
    return tuple(r.value for r in UNIT_ROLES)


# Roles that evaluate or oversee units: their holders are never offered in a unit's people pickers
# (a TPI evaluator or the koordinator on a unit's own team would defeat separation of duties).
OVERSIGHT_ROLES = (Role.KOORDINATOR, Role.EVALUATOR, Role.PENGAWAS)


def unit_people(
    actor: Any, unit: Unit, *, roles_in: Iterable[str] | None = None, descendants: bool = True
) -> QuerySet[Any]:
    """The people `actor` may pick for work on `unit` (a team member, a pokja assignee).

    Active users with a unit-scoped role (`roles_in`, default ketua tim, anggota tim, operator) on the
    unit's line: the unit itself, the units above it whose roles cover it and, with `descendants`, the
    units below it (a Dinas team may take people of its UPT) - and only in units the actor can see, so an
    operator never learns of people elsewhere. Nobody holding a koordinator, TPI or pengawas role in the
    instansi, nor anybody whose only roles are instansi-wide, and no user without a role (an account not
    yet given a role belongs to no unit; a member without an account is entered by name and NIP).
    """
    from zona.accounts.models import User

    if not can(actor, Action.VIEW, unit):
        return User.objects.none()
    wanted = [str(role) for role in (roles_in if roles_in is not None else unit_roles())]
    parts = [part for part in unit.path.split("/") if part]
    line = Q(unit__path__in=["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))])
    if descendants:
        line |= Q(unit__path__startswith=unit.path)
    seen = visible_units(actor)
    holders = RoleAssignment.objects.filter(
        line,
        revoked_at__isnull=True,
        role__in=wanted,
        instansi_id=unit.instansi_id,
        unit__in=seen,
    ).values("user_id")
    overseers = RoleAssignment.objects.filter(
        revoked_at__isnull=True,
        role__in=[str(role) for role in OVERSIGHT_ROLES],
        instansi_id=unit.instansi_id,
    ).values("user_id")
    return (
        User.objects.filter(pk__in=holders, is_active=True)
        .exclude(pk__in=overseers)
        .order_by("full_name", "username")
    )
