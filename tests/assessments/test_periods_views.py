from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.assessments.helpers import assessment_of, lke_2021, open_period
from tests.conftest import LKE_2014, framework_data
from zona.assessments.forms_periods import PeriodForm
from zona.assessments.models import Answer, Assessment, Evidence, Period
from zona.assessments.services.answers import answer_save
from zona.audit.models import AuditEvent
from zona.core.versioned import canonical_definition
from zona.frameworks import services as framework_services
from zona.frameworks.models import Framework
from zona.lke.framework import build_framework
from zona.units.models import Stage, Unit

pytestmark = pytest.mark.django_db

CREATE_URL = "/penilaian/periode/baru/"


def period_post(regency, **overrides):
    today = dt.date.today()
    data = {
        "year": str(today.year),
        "semester": "",
        "name": "",
        "framework": str(lke_2021().pk),
        "self_start": (today - dt.timedelta(days=5)).isoformat(),
        "self_end": (today + dt.timedelta(days=25)).isoformat(),
        "review_start": (today + dt.timedelta(days=26)).isoformat(),
        "review_end": (today + dt.timedelta(days=50)).isoformat(),
        "revision_end": (today + dt.timedelta(days=60)).isoformat(),
        "stage_names": "Anggota tim\r\nKetua tim\r\n\r\nPengendali teknis",
        "units": [str(regency.unit_a.pk), str(regency.unit_b.pk)],
    }
    data.update(overrides)
    return data


def test_url_names_are_the_agreed_ones():
    assert reverse("assessments:period_list") == "/penilaian/periode/"
    assert reverse("assessments:period_create") == CREATE_URL
    assert reverse("assessments:period_detail", kwargs={"pk": 7}) == "/penilaian/periode/7/"


def test_coordinator_opens_a_period_through_the_form_and_it_is_audited(client, regency):
    client.force_login(regency.koordinator)
    page = client.get(CREATE_URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Buka periode penilaian" in body and "Anggota tim\nKetua tim\nPengendali teknis" in body
    response = client.post(
        CREATE_URL, period_post(regency, stage_names="Anggota\nKetua\nPengendali mutu\nPenanggung jawab")
    )
    period = Period.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:period_detail", kwargs={"pk": period.pk})
    assert period.name == f"Penilaian ZI {dt.date.today().year}" and period.framework == lke_2021()
    assert [s.name for s in period.stages.order_by("order")] == [
        "Anggota",
        "Ketua",
        "Pengendali mutu",
        "Penanggung jawab",
    ]
    assert set(period.assessments.values_list("unit_id", flat=True)) == {regency.unit_a.pk, regency.unit_b.pk}
    assert set(period.assessments.values_list("status", flat=True)) == {Assessment.Status.DRAFT}
    event = AuditEvent.objects.get(event="period.opened")
    assert event.actor == regency.koordinator and event.changes["units"] == sorted(
        [regency.unit_a.pk, regency.unit_b.pk]
    )
    follow = client.get(response["Location"])
    assert "dibuka dengan 2 penilaian" in follow.content.decode()


def test_dates_out_of_order_are_refused_on_their_fields_in_indonesian(client, regency):
    client.force_login(regency.koordinator)
    today = dt.date.today()
    response = client.post(
        CREATE_URL,
        period_post(
            regency,
            self_end=(today - dt.timedelta(days=10)).isoformat(),
            revision_end=(today + dt.timedelta(days=40)).isoformat(),
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["self_end"] == ["Akhir penilaian mandiri tidak boleh sebelum awalnya."]
    assert form.errors["revision_end"] == ["Batas perbaikan tidak boleh sebelum akhir reviu TPI."]
    assert "review_start" not in form.errors
    body = response.content.decode()
    assert (
        "Akhir penilaian mandiri tidak boleh sebelum awalnya." in body
        and "Periksa kembali isian berikut" in body
    )
    assert not Period.objects.exists() and not Assessment.objects.exists()


def test_missing_fields_and_a_duplicate_year_name_their_fields(client, regency):
    client.force_login(regency.koordinator)
    response = client.post(
        CREATE_URL, period_post(regency, units=[], stage_names=" \n ", self_start="31-31-2025")
    )
    form = response.context["form"]
    assert form.errors["units"] == ["Pilih sedikitnya satu unit kerja."]
    assert form.errors["stage_names"] == ["Sedikitnya satu tahap reviu TPI."]
    assert form.errors["self_start"] == ["Tanggal tidak valid."]
    open_period(regency)
    response = client.post(CREATE_URL, period_post(regency))
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [f"Periode {dt.date.today().year} sudah ada."]
    assert Period.objects.count() == 1


def test_a_unit_of_another_instansi_cannot_be_slipped_in(client, regency):
    client.force_login(regency.koordinator)
    response = client.post(CREATE_URL, period_post(regency, units=[str(regency.unit_c.pk)]))
    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    assert not Period.objects.exists()


@pytest.mark.parametrize("who", ["operator_a", "ketua_a", "evaluator", "pimpinan", "pengawas", "nobody"])
def test_only_a_coordinator_may_open_a_period(client, regency, who):
    client.force_login(getattr(regency, who))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, period_post(regency)).status_code == 403
    assert not Period.objects.exists()


def test_start_from_the_previous_period_through_the_form(client, regency):
    year = dt.date.today().year
    previous = open_period(regency, year=year - 1, units=[regency.unit_a])
    old = assessment_of(previous, regency.unit_a)
    answer_save(
        assessment=old, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a, narrative="SK tim"
    )
    Evidence.objects.create(
        assessment=old,
        item_code="A.I.1.i.a",
        url="https://example.go.id/sk",
        title="SK Tim",
        added_by=regency.operator_a,
    )
    client.force_login(regency.koordinator)
    response = client.post(CREATE_URL, period_post(regency, copy_previous="on"))
    assert response.status_code == 302
    period = Period.objects.get(year=year)
    new_a = assessment_of(period, regency.unit_a)
    assert new_a.copied_from == old and new_a.status == Assessment.Status.DRAFT
    copied = Answer.objects.get(assessment=new_a)
    assert (copied.item_code, copied.value, copied.narrative, copied.stage_id) == (
        "A.I.1.i.a",
        "Ya",
        "SK tim",
        None,
    )
    assert Evidence.objects.get(assessment=new_a).url == "https://example.go.id/sk"
    assert assessment_of(period, regency.unit_b).copied_from is None


def test_without_the_copy_box_nothing_is_copied(client, regency):
    previous = open_period(regency, year=dt.date.today().year - 1, units=[regency.unit_a])
    answer_save(
        assessment=assessment_of(previous, regency.unit_a),
        item_code="A.I.1.i.a",
        value="Ya",
        actor=regency.operator_a,
    )
    client.force_login(regency.koordinator)
    client.post(CREATE_URL, period_post(regency))
    new_a = assessment_of(Period.objects.get(year=dt.date.today().year), regency.unit_a)
    assert new_a.copied_from is None and not new_a.answers.exists()


def test_form_offers_complete_frameworks_and_marks_units_ready_for_assessment(client, regency):
    lke = lke_2021()
    lke2014 = Framework.objects.get(code="permenpanrb-52-2014")
    data = canonical_definition(framework_data(LKE_2014))
    data.update(code="draf-2014", complete=False)
    data["tree"][0]["children"][0]["children"][0]["weight"] = None  # an unknown weight
    incomplete = framework_services.framework_load_definition(definition=data, engine=build_framework(data))
    assert incomplete.framework.complete is False
    Unit.objects.filter(pk=regency.unit_b.pk).update(stage=Stage.PEMBANGUNAN)
    form = PeriodForm(instansi_choices=[regency.instansi])
    choices = [value for value, _label in form.fields["framework"].choices]
    assert choices == [lke.pk, lke2014.pk]  # newest regulation first; the incomplete one is not offered
    assert set(form.fields["units"].queryset) == {regency.unit_a, regency.unit_a1, regency.unit_b}
    client.force_login(regency.koordinator)
    body = client.get(CREATE_URL).content.decode()
    ready = [line for line in body.splitlines() if "data-zona-ready" in line and 'name="units"' in line]
    assert len(ready) == 1 and f'value="{regency.unit_b.pk}"' in ready[0]
    assert 'data-zona-select="#units-list input[data-zona-ready]"' in body
    assert "Centang semua unit pada tahap pembangunan atau sesudahnya" in body
    assert "zona/charts.js" in body


def test_period_list_shows_periods_with_the_count_each_user_sees(client, regency):
    period = open_period(regency)
    client.force_login(regency.koordinator)
    body = client.get("/penilaian/periode/").content.decode()
    assert period.name in body and "Buka periode baru" in body
    assert reverse("assessments:period_detail", kwargs={"pk": period.pk}) in body
    assert 'href="/penilaian/periode/" aria-current="page">Penilaian</a>' in body  # the navbar entry, active
    client.force_login(regency.operator_b)
    response = client.get("/penilaian/periode/")
    assert [row.assessments for row in response.context["rows"]] == [1]
    assert "Buka periode baru" not in response.content.decode()
    client.force_login(regency.other_koordinator)
    response = client.get("/penilaian/periode/")
    assert response.context["rows"] == [] and "Belum ada periode penilaian" in response.content.decode()


def test_period_of_another_instansi_is_not_found(client, regency):
    period = open_period(regency)
    client.force_login(regency.other_koordinator)
    assert client.get(f"/penilaian/periode/{period.pk}/").status_code == 404
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.other_koordinator).exists()
    client.force_login(regency.nobody)
    assert client.get(f"/penilaian/periode/{period.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/penilaian/periode/{period.pk}/").status_code == 302
