"""Reading users and roles for the coordinator's pages (a constant number of queries per page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from zona.units.models import Instansi, TpiTeam, Unit

from . import permissions
from .models import OverseerGrant, Role, RoleAssignment, User


def managed_instansi(*, user: Any) -> list[Instansi]:
    """The instansi in which `user` manages users: whole-instansi koordinator grants only."""
    return [
        instansi
        for instansi in permissions.visible_instansi(user).order_by("name")
        if permissions.can(user, permissions.Action.MANAGE_USERS, instansi)
    ]


def _ids(instansi: Iterable[Instansi]) -> list[int]:
    return [i.pk for i in instansi]


def user_list(*, instansi: Iterable[Instansi]) -> QuerySet[User]:
    """Users who hold (or held) a role in these instansi, each with their roles there prefetched.

    `user.zona_roles` holds the active roles, `user.zona_past_roles` the revoked ones.
    """
    ids = _ids(instansi)
    in_scope = RoleAssignment.objects.filter(instansi_id__in=ids).select_related(
        "unit", "tpi_team", "instansi"
    )
    return (
        User.objects.filter(role_assignments__instansi_id__in=ids)
        .distinct()
        .order_by("full_name", "username")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=in_scope.filter(revoked_at__isnull=True).order_by("role", "pk"),
                to_attr="zona_roles",
            ),
            Prefetch(
                "role_assignments",
                queryset=in_scope.filter(revoked_at__isnull=False).order_by("-revoked_at"),
                to_attr="zona_past_roles",
            ),
        )
    )


def user_get(*, instansi: Iterable[Instansi], pk: int) -> User | None:
    """One user of these instansi, or None when the user is not theirs to see."""
    return user_list(instansi=instansi).filter(pk=pk).first()


def role_assignment_get(*, instansi: Iterable[Instansi], user: User, pk: int) -> RoleAssignment | None:
    return (
        RoleAssignment.objects.filter(instansi_id__in=_ids(instansi), user=user, pk=pk)
        .select_related("user", "unit", "instansi")
        .first()
    )


def overseer_grants(*, instansi: Iterable[Instansi], user: User) -> list[OverseerGrant]:
    return list(
        OverseerGrant.objects.filter(user=user, unit__instansi_id__in=_ids(instansi))
        .select_related("unit", "granted_by")
        .order_by("unit__path")
    )


def overseer_grant_get(*, instansi: Iterable[Instansi], user: User, pk: int) -> OverseerGrant | None:
    return (
        OverseerGrant.objects.filter(user=user, unit__instansi_id__in=_ids(instansi), pk=pk)
        .select_related("user", "unit")
        .first()
    )


def is_overseer(user: User) -> bool:
    """Whether the (prefetched) user holds an active pengawas role."""
    return any(a.role == Role.PENGAWAS for a in getattr(user, "zona_roles", []))


def units_of(*, instansi: Iterable[Instansi]) -> QuerySet[Unit]:
    return Unit.objects.filter(instansi_id__in=_ids(instansi), is_active=True).select_related("instansi")


def tpi_teams_of(*, instansi: Iterable[Instansi]) -> QuerySet[TpiTeam]:
    return TpiTeam.objects.filter(instansi_id__in=_ids(instansi)).select_related("instansi")
