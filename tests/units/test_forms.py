from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zona.accounts import permissions
from zona.accounts import services as account_services
from zona.accounts.models import Role
from zona.units.forms import UnitFilterForm, UnitForm
from zona.units.models import Unit
from zona.units.selectors import manageable_instansi, unit_parent_choices

pytestmark = pytest.mark.django_db


def test_filter_form_ignores_invalid_parameters_and_parses_the_rest():
    form = UnitFilterForm({"q": " dukcapil ", "kind": "bukan", "serves_public": "tidak", "sort": "-stage"})
    assert form.filters() == {
        "search": "dukcapil",
        "kind": "",
        "stage": "",
        "serves_public": False,
        "sort": "-stage",
    }
    assert UnitFilterForm(None).filters()["sort"] == "name"


def test_coordinator_of_two_instansi_chooses_one_and_the_parent_must_belong_to_it(regency):
    account_services.role_assign(
        user=regency.koordinator, role=Role.KOORDINATOR, instansi=regency.other_instansi
    )
    permissions.forget(regency.koordinator)
    choices = manageable_instansi(user=regency.koordinator)
    assert set(choices) == {regency.instansi, regency.other_instansi}
    data = {
        "instansi": regency.instansi.pk,
        "name": "Bagian Umum",
        "kind": Unit.Kind.BAGIAN,
        "parent": regency.unit_c.pk,
    }
    form = UnitForm(
        data,
        instansi_choices=choices,
        parent_queryset=unit_parent_choices(user=regency.koordinator, instansi=choices),
    )
    assert not form.is_valid()
    assert form.errors["parent"] == ["Unit induk harus berada pada instansi yang sama."]
    data["instansi"] = regency.other_instansi.pk
    form = UnitForm(
        data,
        instansi_choices=choices,
        parent_queryset=unit_parent_choices(user=regency.koordinator, instansi=choices),
    )
    assert form.is_valid(), form.errors
    assert form.selected_instansi() == regency.other_instansi


def test_single_instansi_coordinator_is_not_asked_for_the_instansi(regency):
    choices = manageable_instansi(user=regency.koordinator)
    form = UnitForm(None, instansi_choices=choices, parent_queryset=Unit.objects.none())
    assert "instansi" not in form.fields and choices == [regency.instansi]


def test_service_errors_land_on_their_field_or_on_the_form(regency):
    form = UnitForm(
        {"name": "X", "kind": Unit.Kind.DINAS},
        instansi_choices=[regency.instansi],
        parent_queryset=Unit.objects.none(),
    )
    assert form.is_valid()
    form.apply_service_errors(ValidationError({"name": "Nama bentrok.", "slug": "Slug sudah dipakai."}))
    assert form.errors["name"] == ["Nama bentrok."]
    assert "Slug sudah dipakai." in form.non_field_errors()


def test_service_types_are_one_per_line_without_blanks(regency):
    form = UnitForm(
        {"name": "X", "kind": Unit.Kind.DINAS, "service_types": "  KTP-el \n\n Akta kelahiran\r\n"},
        instansi_choices=[regency.instansi],
        parent_queryset=Unit.objects.none(),
    )
    assert form.is_valid()
    assert form.cleaned_data["service_types"] == ["KTP-el", "Akta kelahiran"]
