"""Every role x every object kind x every action, including cross-unit and cross-instansi attempts.

The expectation is written from the role descriptions of the issue, not from the code: a role covers a
set of units (its scope); what it may do there depends on the role and the kind of object.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.models import AuditEvent
from zona.audit.services import audit_record
from zona.documents.models import Blob, Document
from zona.lifecycle.models import LifecycleEvent, Prerequisite
from zona.teams.models import ChangeAgent, TeamMember, ZiTeam
from zona.units.models import Stage

pytestmark = pytest.mark.django_db

USERS = [
    "koordinator",
    "tpi1",
    "ketua-a",
    "anggota-a",
    "operator-a",
    "operator-b",
    "pimpinan",
    "pengawas",
    "koordinator-lain",
    "tanpa-peran",
]
ACTIONS = [a.value for a in Action]

# Which users' scope covers each unit (the regency fixture: A1 is A's child; the TPI team has only A;
# unit B is published to the pengawas; C is in the other instansi).
COVERS = {
    "a": {"koordinator", "tpi1", "ketua-a", "anggota-a", "operator-a", "pimpinan"},
    "a1": {"koordinator", "ketua-a", "anggota-a", "operator-a", "pimpinan"},
    "b": {"koordinator", "operator-b", "pimpinan", "pengawas"},
    "c": {"koordinator-lain"},
}
ROLE_OF = {
    "koordinator": "koordinator",
    "koordinator-lain": "koordinator",
    "tpi1": "evaluator",
    "ketua-a": "ketua_tim",
    "anggota-a": "anggota_tim",
    "operator-a": "operator",
    "operator-b": "operator",
    "pimpinan": "pimpinan",
    "pengawas": "pengawas",
    "tanpa-peran": None,
}
IN_INSTANSI = {"beltim": set(USERS) - {"koordinator-lain", "tanpa-peran"}, "lain": {"koordinator-lain"}}

UNIT_READERS = {"koordinator", "evaluator", "ketua_tim", "anggota_tim", "operator", "pimpinan"}
UNIT_DATA_ACTIONS = {
    Action.VIEW: {"koordinator", "evaluator", "ketua_tim", "anggota_tim", "operator", "pimpinan", "pengawas"},
    Action.CHANGE: {"koordinator", "ketua_tim", "operator"},
    Action.MANAGE: {"koordinator"},
    Action.MANAGE_USERS: {"koordinator"},
    Action.VIEW_AUDIT: {"koordinator"},
    Action.TRANSITION: {"koordinator", "ketua_tim", "operator", "evaluator"},
    Action.REVIEW: {"evaluator"},
    Action.SUBMIT: {"koordinator", "ketua_tim"},
    # the pengawas reads the final LHE of a published unit, never a DRAF LHE nor the evidence files
    Action.READ_LHE: {*UNIT_READERS, "pengawas"},
    Action.READ_DRAFT_LHE: UNIT_READERS,
    Action.VIEW_EVIDENCE: UNIT_READERS,
}


def expected_unit_level(user: str, action: str, unit_key: str, kind: str) -> bool:
    if user not in COVERS[unit_key]:
        return False
    role = ROLE_OF[user]
    if kind == "unit" and action == Action.CHANGE:
        return role == "koordinator"  # a unit's own record is the coordinator's
    return role in UNIT_DATA_ACTIONS[Action(action)]


def expected_instansi_level(user: str, action: str, instansi_key: str, kind: str) -> bool:
    if user not in IN_INSTANSI[instansi_key]:
        return False
    is_coordinator = ROLE_OF[user] == "koordinator"
    if kind == "audit":
        return is_coordinator and action in (Action.VIEW, Action.VIEW_AUDIT)
    if action == Action.VIEW:
        # the pengawas sees the instansi record, nothing else of the instansi that was not published
        return ROLE_OF[user] != "pengawas" or kind == "instansi"
    return is_coordinator and action != Action.REVIEW


def build_objects(r):
    blob = Blob(sha256="f" * 64, size=4, content_type="application/pdf")
    blob.file.save("x.pdf", ContentFile(b"%PDF"), save=True)
    year = dt.date.today().year
    objects = {}
    for key, unit in (("a", r.unit_a), ("a1", r.unit_a1), ("b", r.unit_b), ("c", r.unit_c)):
        team = ZiTeam.objects.create(unit=unit, year=year, sk_number=f"SK/{key}")
        koord = r.koordinator if unit.instansi_id == r.instansi.pk else r.other_koordinator
        objects[key] = {
            "unit": unit,
            "zi_team": team,
            "team_member": TeamMember.objects.create(team=team, name=f"Anggota {key}", team_role="anggota"),
            "change_agent": ChangeAgent.objects.create(unit=unit, year=year, name=f"Agen {key}"),
            "lifecycle_event": LifecycleEvent.objects.create(
                unit=unit,
                from_stage=Stage.BELUM,
                to_stage=Stage.DITETAPKAN,
                date=dt.date.today(),
                actor=koord,
            ),
            "prerequisite": Prerequisite.objects.create(
                instansi=unit.instansi, unit=unit, year=year, code="tl_audit", value="100", updated_by=koord
            ),
            "document": Document.objects.create(
                instansi=unit.instansi,
                unit=unit,
                blob=blob,
                kind="lainnya",
                title="d",
                original_name="d.pdf",
                uploaded_by=koord,
            ),
        }
    for key, instansi, koord in (
        ("beltim", r.instansi, r.koordinator),
        ("lain", r.other_instansi, r.other_koordinator),
    ):
        objects[key] = {
            "instansi": instansi,
            "tpi_team": r.tpi_team if key == "beltim" else None,
            "prerequisite_instansi": Prerequisite.objects.create(
                instansi=instansi, unit=None, year=year, code="opini_bpk", value="WTP", updated_by=koord
            ),
            "document_instansi": Document.objects.create(
                instansi=instansi,
                unit=None,
                blob=blob,
                kind="lainnya",
                title="i",
                original_name="i.pdf",
                uploaded_by=koord,
            ),
            "audit": audit_record(event="test.event", actor=koord, obj=instansi),
        }
        if objects[key]["tpi_team"] is None:
            del objects[key]["tpi_team"]
    return objects


def test_permission_matrix(regency):
    r = regency
    users = {
        u.username: u
        for u in [
            r.koordinator,
            r.evaluator,
            r.ketua_a,
            r.anggota_a,
            r.operator_a,
            r.operator_b,
            r.pimpinan,
            r.pengawas,
            r.other_koordinator,
            r.nobody,
        ]
    }
    objects = build_objects(r)
    mismatches = []
    checked = 0
    for scope_key, kinds in objects.items():
        for kind, obj in kinds.items():
            for username, action in itertools.product(USERS, ACTIONS):
                if scope_key in COVERS:
                    expected = expected_unit_level(username, action, scope_key, kind)
                else:
                    expected = expected_instansi_level(
                        username, action, scope_key, "audit" if isinstance(obj, AuditEvent) else kind
                    )
                got = permissions.can(users[username], action, obj)
                checked += 1
                if got != expected:
                    mismatches.append(
                        f"{username} {action} {kind}@{scope_key}: got {got}, expected {expected}"
                    )
    assert mismatches == []
    assert checked == (4 * 7 + 4 + 4) * len(USERS) * len(ACTIONS) + len(USERS) * len(ACTIONS)


def test_visible_units_per_role(regency):
    r = regency
    expected = {
        r.koordinator: {r.unit_a, r.unit_a1, r.unit_b},
        r.evaluator: {r.unit_a},
        r.ketua_a: {r.unit_a, r.unit_a1},
        r.operator_a: {r.unit_a, r.unit_a1},
        r.operator_b: {r.unit_b},
        r.pimpinan: {r.unit_a, r.unit_a1, r.unit_b},
        r.pengawas: {r.unit_b},
        r.other_koordinator: {r.unit_c},
        r.nobody: set(),
    }
    for user, units in expected.items():
        assert set(permissions.visible_units(user)) == units, user.username


@pytest.mark.parametrize(
    ("username", "stage", "allowed"),
    [
        ("koordinator", Stage.DITETAPKAN, True),
        ("koordinator", Stage.WBK, True),
        ("operator-a", Stage.PENCANANGAN, True),
        ("operator-a", Stage.WBK, False),
        ("operator-a", Stage.EVALUASI_TPI, False),
        ("ketua-a", Stage.PENILAIAN_MANDIRI, True),
        ("anggota-a", Stage.PENCANANGAN, False),
        ("tpi1", Stage.EVALUASI_TPI, True),
        ("tpi1", Stage.DIUSULKAN, False),
        ("pimpinan", Stage.PENCANANGAN, False),
        ("pengawas", Stage.PENCANANGAN, False),
        ("operator-b", Stage.PENCANANGAN, False),
        ("koordinator-lain", Stage.DITETAPKAN, False),
    ],
)
def test_who_may_move_unit_a_into_each_stage(regency, username, stage, allowed):
    user = next(
        u
        for u in [
            regency.koordinator,
            regency.evaluator,
            regency.ketua_a,
            regency.anggota_a,
            regency.operator_a,
            regency.operator_b,
            regency.pimpinan,
            regency.pengawas,
            regency.other_koordinator,
        ]
        if u.username == username
    )
    assert permissions.can_transition(user, regency.unit_a, stage) is allowed


def test_revoked_role_grants_nothing(regency):
    from zona.accounts import services

    assignment = regency.operator_a.role_assignments.get()
    services.role_revoke(assignment=assignment, actor=regency.koordinator)
    assert not permissions.can(regency.operator_a, Action.VIEW, regency.unit_a)
    assert list(permissions.visible_units(regency.operator_a)) == []


def test_inactive_user_may_do_nothing(regency):
    regency.koordinator.is_active = False
    assert not permissions.can(regency.koordinator, Action.VIEW, regency.unit_a)
