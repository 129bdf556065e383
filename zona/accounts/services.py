"""Users, roles and overseer grants; every change is audited (a role change is a permission change)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    instansi_id: int | None = None,
) -> User:
    """A new account; `instansi_id` files the audit record under the instansi that created it."""
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
    audit_record(
        event="user.created",
        actor=actor,
        obj=user,
        instansi_id=instansi_id,
        changes={
            "username": [None, username],
            "full_name": [None, full_name],
            "email": [None, email],
            "nip": [None, nip],
        },
    )
    return user


@transaction.atomic
def user_onboard(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    nip: str,
    role: str,
    instansi: Instansi,
    actor: Any,
    unit: Unit | None = None,
    tpi_team: TpiTeam | None = None,
) -> User:
    """A new user with a first role, all or nothing (a bad role leaves no orphan account)."""
    user = user_create(
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        nip=nip,
        actor=actor,
        instansi_id=instansi.pk,
    )
    role_assign(user=user, role=role, instansi=instansi, unit=unit, tpi_team=tpi_team, actor=actor)
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
    if tpi_team is not None and role != Role.EVALUATOR:
        raise ValidationError({"tpi_team": _("Tim penilai hanya diisi untuk peran evaluator.")})
    if unit is not None and role in (Role.EVALUATOR, Role.PENGAWAS):
        raise ValidationError({"unit": _("Peran ini tidak terikat pada unit; kosongkan pilihan unit.")})
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
            "unit": [None, unit.pk if unit else None],
            "tpi_team": [None, tpi_team.pk if tpi_team else None],
        },
    )
    permissions.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> RoleAssignment:
    """End a role. A coordinator may not take away their own whole-instansi role (no lock-out)."""
    if assignment.revoked_at is not None:
        return assignment
    if (
        getattr(actor, "pk", None) == assignment.user_id
        and assignment.role == Role.KOORDINATOR
        and assignment.unit_id is None
    ):
        raise ValidationError(_("Anda tidak dapat mencabut peran koordinator Anda sendiri."))
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    audit_record(
        event="role.revoked",
        actor=actor,
        obj=assignment,
        instansi_id=assignment.instansi_id,
        unit_id=assignment.unit_id,
        changes={
            "user": assignment.user.username,
            "role": [assignment.role, None],
            "revoked_at": [None, assignment.revoked_at],
        },
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
            changes={"user": user.username, "unit": [None, unit.pk]},
        )
    permissions.forget(user)
    return grant


@transaction.atomic
def overseer_unpublish(*, grant: OverseerGrant, actor: Any) -> None:
    user, unit = grant.user, grant.unit
    audit_record(
        event="overseer.unpublished",
        actor=actor,
        obj=grant,
        unit_id=unit.pk,
        instansi_id=unit.instansi_id,
        changes={"user": user.username, "unit": [unit.pk, None]},
    )
    grant.delete()
    permissions.forget(user)


@transaction.atomic
def user_password_set(*, user: User, password: str, actor: Any, event: str = "auth.password_changed") -> User:
    """Set a password that the form has already validated; the audit record never holds the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(event=event, actor=actor if actor is not None else user, obj=user)
    return user


OTP_DEVICE_NAME = "Zona"


def otp_device_prepare(*, user: User) -> TOTPDevice:
    """The user's pending (unconfirmed) TOTP device, made on first use.

    Not audited: an unconfirmed device has no effect on logging in; confirming it is audited.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=False)
    return device


def otp_secret_text(device: TOTPDevice) -> str:
    """The secret as the base32 text an authenticator app accepts, in groups of four for reading."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def otp_confirm(*, device: TOTPDevice, token: str, actor: Any) -> bool:
    """Confirm a pending device with a code from the app; False (and nothing changed) on a wrong code."""
    if device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        event="auth.otp_enabled",
        actor=actor,
        obj=device.user,
        changes={"device": device.pk, "confirmed": [False, True]},
    )
    return True


def otp_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None (audited as `auth.otp_failed`).

    Not atomic on purpose: the device's own failure counter (throttling) must stay committed.
    """
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    audit_record(event="auth.otp_failed", actor=user, obj=user)
    return None
