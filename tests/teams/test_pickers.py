"""People pickers offer only the people a role needs (`permissions.unit_people`)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.factories import make_user
from tests.teams.helpers import add, make_team
from zona.accounts import services as account_services
from zona.accounts.models import Role
from zona.assessments.selectors.worksheet import assignable_users
from zona.assessments.services.collab import assignment_set
from zona.teams.services import linkable_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regency):
    """Beside the regency: a UPT member, a kepala dinas, an anggota who is also a TPI evaluator."""
    regency.anggota_a1 = make_user(
        "anggota-a1", Role.ANGGOTA_TIM, instansi=regency.instansi, unit=regency.unit_a1
    )
    regency.operator_a1 = make_user(
        "operator-a1", Role.OPERATOR, instansi=regency.instansi, unit=regency.unit_a1
    )
    regency.kepala_a = make_user("kepala-a", Role.PIMPINAN, instansi=regency.instansi, unit=regency.unit_a)
    regency.double = make_user(
        "anggota-tpi", Role.ANGGOTA_TIM, instansi=regency.instansi, unit=regency.unit_a
    )
    account_services.role_assign(
        user=regency.double, role=Role.EVALUATOR, instansi=regency.instansi, tpi_team=regency.tpi_team
    )
    regency.unit_c_op = make_user(
        "operator-c", Role.OPERATOR, instansi=regency.other_instansi, unit=regency.unit_c
    )
    return regency


def url(name: str, unit, year: int | None = None, **kwargs) -> str:
    address = reverse(f"teams:{name}", kwargs={"unit_pk": unit.pk, **kwargs})
    return f"{address}?tahun={year}" if year else address


def user_options(html: str) -> list[str]:
    select = re.search(r'<select name="user".*?</select>', html, re.DOTALL)
    assert select is not None
    return re.findall(r'<option value="(\d*)"', select.group(0))


def names(users) -> set[str]:
    return {user.username for user in users}


def test_a_unit_operator_sees_the_people_of_the_units_line_and_no_overseer(people):
    offered = names(linkable_users(people.unit_a, people.operator_a))
    assert offered == {"ketua-a", "anggota-a", "operator-a", "kepala-a", "anggota-a1", "operator-a1"}
    # never: koordinator, TPI (even one who is also an anggota), pimpinan of the instansi, pengawas,
    # another unit's operator, another instansi, an account without a role
    assert not offered & {"koordinator", "tpi1", "anggota-tpi", "pimpinan", "pengawas", "operator-b"}


def test_a_upt_operator_does_not_see_the_people_of_the_dinas_above(people):
    assert names(linkable_users(people.unit_a1, people.operator_a1)) == {"anggota-a1", "operator-a1"}
    # the dinas's own operator, who sees the UPT, also sees the dinas people covering it
    assert names(linkable_users(people.unit_a1, people.operator_a)) == {
        "anggota-a1",
        "operator-a1",
        "ketua-a",
        "anggota-a",
        "operator-a",
        "kepala-a",
    }


def test_the_koordinator_gets_the_same_unit_people(people):
    assert names(linkable_users(people.unit_a, people.koordinator)) == names(
        linkable_users(people.unit_a, people.operator_a)
    )
    assert names(linkable_users(people.unit_a, people.operator_b)) == set()  # cannot see unit A


@pytest.mark.parametrize("who", ["koordinator", "evaluator", "double", "pengawas", "pimpinan", "operator_b"])
def test_linking_someone_outside_the_picker_is_refused_by_the_service(people, who):
    team = make_team(people)
    with pytest.raises(ValidationError) as info:
        add(team, people.operator_a, "", user=getattr(people, who))
    assert info.value.message_dict["user"] == [
        "Pengguna ini tidak dapat ditautkan: ia bukan pegawai unit ini."
    ]
    assert not team.members.exists()


def test_the_member_form_lists_only_the_unit_people(client, people):
    make_team(people)
    client.force_login(people.operator_a)
    body = client.get(url("member_add", people.unit_a, 2024)).content.decode()
    assert len(user_options(body)) == 7  # the empty choice + the 6 people of unit A's line
    for username in ("koordinator", "tpi1", "anggota-tpi", "pengawas", "pimpinan", "operator-b"):
        assert f"({username})" not in body


def test_an_existing_link_stays_editable_after_the_rule_changed(client, people):
    team = make_team(people)
    member = add(team, people.operator_a, "", user=people.anggota_a)
    account_services.role_assign(
        user=people.anggota_a, role=Role.EVALUATOR, instansi=people.instansi, tpi_team=people.tpi_team
    )
    client.force_login(people.operator_a)
    page = client.get(url("member_edit", people.unit_a, member_pk=member.pk)).content.decode()
    assert f'value="{people.anggota_a.pk}" selected' in page


def test_worksheet_assignment_offers_only_unit_roles_covering_the_unit(people):
    assessment = assessment_of(open_period(people), people.unit_a)
    assert names(assignable_users(assessment=assessment, actor=people.ketua_a)) == {
        "ketua-a",
        "anggota-a",
        "operator-a",
    }
    with pytest.raises(ValidationError):
        assignment_set(
            assessment=assessment, user=people.double, areas=[1], item_codes=[], actor=people.ketua_a
        )
