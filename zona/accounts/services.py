"""Users, roles and overseer grants; every change is audited (a role change is a permission change)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.audit.services import audit_record
from zona.units.models import Instansi, TpiTeam, Unit

from . import permissions
from .models import UNIT_ROLES, OverseerGrant, Role, RoleAssignment, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    nip: str = "",
    actor: Any = None,
    validate: bool = True,
) -> User:
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Nama pengguna wajib diisi.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Nama pengguna %(u)s sudah dipakai.") % {"u": username}})
    user = User(username=username, full_name=full_name, email=email, nip=nip)
    if password:
        if validate:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(event="user.created", actor=actor, obj=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    instansi: Instansi,
    actor: Any = None,
    unit: Unit | None = None,
    tpi_team: TpiTeam | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": _("Peran tidak dikenal.")})
    if role in UNIT_ROLES and unit is None:
        raise ValidationError({"unit": _("Peran ini harus terikat pada satu unit.")})
    if role == Role.EVALUATOR and tpi_team is None:
        raise ValidationError({"tpi_team": _("Evaluator harus menjadi anggota tim penilai internal.")})
    if unit is not None and unit.instansi_id != instansi.pk:
        raise ValidationError({"unit": _("Unit harus berada pada instansi yang sama.")})
    if tpi_team is not None and tpi_team.instansi_id != instansi.pk:
        raise ValidationError({"tpi_team": _("Tim penilai harus berada pada instansi yang sama.")})
    existing = RoleAssignment.objects.filter(
        user=user, role=role, instansi=instansi, unit=unit, tpi_team=tpi_team, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        instansi=instansi,
        unit=unit,
        tpi_team=tpi_team,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        event="role.assigned",
        actor=actor,
        obj=assignment,
        instansi_id=instansi.pk,
        unit_id=unit.pk if unit else None,
        changes={
            "user": user.username,
            "role": [None, role],
            "unit": unit.pk if unit else None,
            "tpi_team": tpi_team.pk if tpi_team else None,
        },
    )
    permissions.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> RoleAssignment:
    if assignment.revoked_at is not None:
        return assignment
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    audit_record(
        event="role.revoked",
        actor=actor,
        obj=assignment,
        instansi_id=assignment.instansi_id,
        unit_id=assignment.unit_id,
        changes={"user": assignment.user.username, "role": [assignment.role, None]},
    )
    permissions.forget(assignment.user)
    return assignment


@transaction.atomic
def overseer_publish(*, user: User, unit: Unit, actor: Any) -> OverseerGrant:
    if not RoleAssignment.objects.filter(
        user=user, role=Role.PENGAWAS, instansi_id=unit.instansi_id, revoked_at__isnull=True
    ).exists():
        raise ValidationError(_("Pengguna ini bukan pengawas eksternal pada instansi unit tersebut."))
    grant, created = OverseerGrant.objects.get_or_create(
        user=user,
        unit=unit,
        defaults={"granted_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit_record(
            event="overseer.published",
            actor=actor,
            obj=grant,
            unit_id=unit.pk,
            instansi_id=unit.instansi_id,
            changes={"user": user.username, "unit": unit.pk},
        )
    permissions.forget(user)
    return grant
