"""Working together on a worksheet: pokja assignments of areas/items, and comments per item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.models import Role
from zona.accounts.permissions import Action
from zona.audit.services import audit_record

from ..models import Assessment, Comment, ItemAssignment
from ..selectors.core import engine_for

COMMENT_MAX = 4000


@transaction.atomic
def assignment_set(
    *, assessment: Assessment, user: Any, areas: Iterable[int], item_codes: Iterable[str], actor: Any
) -> list[ItemAssignment]:
    """Replace what `user` is responsible for in this assessment (areas and single items; empty clears)."""
    if not permissions.can(actor, Action.SUBMIT, assessment):
        raise PermissionDenied(_("Hanya koordinator atau ketua tim yang dapat membagi tugas pokja."))
    if assessment.status == Assessment.Status.FINAL:
        raise ValidationError(_("Penilaian sudah final; pembagian tugas pokja tidak dapat diubah."))
    if not permissions.unit_people(actor, assessment.unit, descendants=False).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("%(name)s tidak memiliki peran pada unit ini.") % {"name": user.get_username()}}
        )
    framework = engine_for(assessment)
    numbers = {area.number for area in framework.areas}
    wanted_areas = sorted({int(area) for area in areas})
    bad_areas = [str(area) for area in wanted_areas if area not in numbers]
    if bad_areas:
        raise ValidationError({"areas": _("Area %(areas)s tidak ada.") % {"areas": ", ".join(bad_areas)}})
    by_folded = {code.casefold(): code for code in framework.items}
    wanted_items: list[str] = []
    unknown = []
    for raw in item_codes:
        raw = raw.strip()
        if not raw:
            continue
        code = by_folded.get(raw.casefold())
        if code is None:
            unknown.append(raw)
        elif code not in wanted_items:
            wanted_items.append(code)
    if unknown:
        raise ValidationError(
            {"item_codes": _("Kode butir tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )

    current = list(ItemAssignment.objects.select_for_update().filter(assessment=assessment, user=user))
    old = {
        "areas": sorted(a.area for a in current if a.area is not None),
        "items": sorted(a.item_code for a in current if a.item_code),
    }
    new = {"areas": wanted_areas, "items": sorted(wanted_items)}
    if old == new:
        return current
    ItemAssignment.objects.filter(assessment=assessment, user=user).delete()
    created = [ItemAssignment(assessment=assessment, user=user, area=area) for area in wanted_areas]
    created += [ItemAssignment(assessment=assessment, user=user, item_code=code) for code in wanted_items]
    ItemAssignment.objects.bulk_create(created)
    audit_record(
        event="assignment.set",
        actor=actor,
        obj=assessment,
        changes={
            "user": user.get_username(),
            **{key: [old[key], new[key]] for key in new if old[key] != new[key]},
        },
    )
    return created


@transaction.atomic
def comment_add(*, assessment: Assessment, item_code: str, text: str, actor: Any) -> Comment:
    """A comment on an item by those who work on the assessment: the unit's team and the TPI (the
    coordinator too). Read-only roles (pimpinan, pengawas) read comments but do not write them."""
    if not permissions.can(actor, Action.VIEW, assessment):
        raise PermissionDenied(_("Anda tidak dapat melihat penilaian ini."))
    working = permissions.roles_for(actor, assessment.unit) & {
        Role.KOORDINATOR,
        Role.EVALUATOR,
        Role.KETUA_TIM,
        Role.ANGGOTA_TIM,
        Role.OPERATOR,
    }
    if not working:
        raise PermissionDenied(_("Peran Anda hanya dapat membaca komentar."))
    if assessment.status == Assessment.Status.FINAL:
        raise ValidationError(_("Penilaian sudah final; komentar tidak dapat ditambahkan."))
    if item_code not in engine_for(assessment).items:
        raise ValidationError(_("Kode butir %(code)s tidak ada dalam LKE ini.") % {"code": item_code})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("%(code)s: komentar tidak boleh kosong.") % {"code": item_code}})
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {
                "text": _("%(code)s: komentar paling panjang %(n)s karakter.")
                % {"code": item_code, "n": COMMENT_MAX}
            }
        )
    comment = Comment.objects.create(assessment=assessment, item_code=item_code, author=actor, text=text)
    audit_record(
        event="comment.added", actor=actor, obj=comment, changes={"item": item_code, "text": [None, text]}
    )
    return comment
