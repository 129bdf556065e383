from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import make_unit
from zona.teams.models import TeamMember, ZiTeam
from zona.units.models import Stage, Unit
from zona.units.selectors import current_year, unit_parent_choices, units_dashboard

pytestmark = pytest.mark.django_db


def names(dashboard) -> list[str]:
    return [row.unit.name for row in dashboard.rows]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("koordinator", {"unit_a", "unit_a1", "unit_b"}),
        ("operator_a", {"unit_a", "unit_a1"}),
        ("operator_b", {"unit_b"}),
        ("evaluator", {"unit_a"}),
        ("pengawas", {"unit_b"}),
        ("other_koordinator", {"unit_c"}),
        ("nobody", set()),
    ],
)
def test_dashboard_lists_only_the_units_each_role_may_see(regency, who, expected):
    dashboard = units_dashboard(user=getattr(regency, who))
    assert set(names(dashboard)) == {getattr(regency, attr).name for attr in expected}
    assert dashboard.total == len(expected)


def test_dashboard_filters_by_name_kind_stage_and_public_service(regency):
    user = regency.koordinator
    Unit.objects.filter(pk=regency.unit_b.pk).update(stage=Stage.PENCANANGAN)
    assert names(units_dashboard(user=user, search="dukcapil")) == [regency.unit_a1.name]
    assert names(units_dashboard(user=user, kind=Unit.Kind.KECAMATAN)) == [regency.unit_b.name]
    assert names(units_dashboard(user=user, stage=Stage.PENCANANGAN)) == [regency.unit_b.name]
    assert set(names(units_dashboard(user=user, serves_public=True))) == {
        regency.unit_a.name,
        regency.unit_a1.name,
    }
    assert names(units_dashboard(user=user, serves_public=False)) == [regency.unit_b.name]
    filtered = units_dashboard(user=user, search="tidak ada unit seperti ini")
    assert filtered.rows == [] and filtered.total == 3 and filtered.filtered


def test_dashboard_sorts_by_name_stage_and_stage_since(regency):
    user = regency.koordinator
    Unit.objects.filter(pk=regency.unit_a.pk).update(stage=Stage.WBK, stage_since=dt.date(2024, 12, 1))
    Unit.objects.filter(pk=regency.unit_b.pk).update(stage=Stage.PENCANANGAN, stage_since=dt.date(2025, 3, 1))
    a, a1, b = regency.unit_a.name, regency.unit_a1.name, regency.unit_b.name
    assert names(units_dashboard(user=user, sort="name")) == [a, b, a1]
    assert names(units_dashboard(user=user, sort="-name")) == [a1, b, a]
    # lifecycle order, not alphabetical: belum < pencanangan < wbk
    assert names(units_dashboard(user=user, sort="stage")) == [a1, b, a]
    assert names(units_dashboard(user=user, sort="-stage")) == [a, b, a1]
    assert names(units_dashboard(user=user, sort="-stage_since")) == [b, a, a1]
    assert names(units_dashboard(user=user, sort="stage_since")) == [a, b, a1]
    assert names(units_dashboard(user=user, sort="bogus")) == [a, b, a1]


def test_dashboard_counts_units_per_stage_in_lifecycle_order(regency):
    Unit.objects.filter(pk=regency.unit_a.pk).update(stage=Stage.WBK)
    Unit.objects.filter(pk=regency.unit_b.pk).update(stage=Stage.PENCANANGAN)
    counts = [(c.stage, c.count) for c in units_dashboard(user=regency.koordinator).stage_counts]
    assert counts == [(Stage.BELUM, 1), (Stage.PENCANANGAN, 1), (Stage.WBK, 1)]


def test_dashboard_team_status_uses_the_current_year_team_only(regency):
    year = current_year()
    old = ZiTeam.objects.create(unit=regency.unit_a, year=year - 1, sk_number="SK/1")
    TeamMember.objects.create(
        team=old, name="Lama", team_role=TeamMember.TeamRole.KETUA, areas=[1, 2, 3, 4, 5, 6]
    )
    team = ZiTeam.objects.create(unit=regency.unit_b, year=year, sk_number="SK/2")
    TeamMember.objects.create(team=team, name="Ketua", team_role=TeamMember.TeamRole.KETUA, areas=[1, 2, 3])
    TeamMember.objects.create(
        team=team, name="Anggota", team_role=TeamMember.TeamRole.ANGGOTA, areas=[4, 5, 6]
    )
    rows = {row.unit.pk: row for row in units_dashboard(user=regency.koordinator).rows}
    assert rows[regency.unit_a.pk].team is None
    assert not rows[regency.unit_a.pk].team_status.complete
    assert rows[regency.unit_b.pk].team == team
    assert rows[regency.unit_b.pk].team_status.complete
    assert rows[regency.unit_a.pk].tpi_teams == [regency.tpi_team]
    assert all(row.latest_score is None for row in rows.values())


def test_parent_choices_are_the_coordinators_own_instansi_units(regency):
    choices = set(unit_parent_choices(user=regency.koordinator, instansi=[regency.instansi]))
    assert choices == {regency.unit_a, regency.unit_a1, regency.unit_b}
    other = make_unit(regency.other_instansi, "Kecamatan Lain")
    assert other not in set(unit_parent_choices(user=regency.koordinator, instansi=[regency.instansi]))
