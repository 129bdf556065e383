from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.lifecycle.helpers import PATH_TO_WBK, days_ago, pdf, png_named_pdf, walk
from zona.audit.models import AuditEvent
from zona.documents.models import Document
from zona.lifecycle import prerequisites as prereq
from zona.lifecycle.models import Prerequisite
from zona.lifecycle.selectors import building_months, prerequisite_checklist
from zona.lifecycle.services import history, prerequisite_save
from zona.units import services as unit_services
from zona.units.models import Instansi

# (code, value, target, instansi kind, expected status, expected sentence or None)
CASES = [
    ("opini_bpk", "WTP", "wbk", "pemda", "met", "Opini BPK WTP memenuhi minimal WTP"),
    ("opini_bpk", "WDP", "wbk", "pemda", "not_met", "Opini BPK WDP di bawah minimal WTP"),
    ("opini_bpk", "wdp", "wbbm", "kl", "not_met", "Opini BPK WDP di bawah minimal WTP"),
    ("opini_bpk", "", "wbk", "pemda", "empty", "Opini BPK belum diisi"),
    ("sakip_instansi", "B", "wbk", "pemda", "met", None),
    ("sakip_instansi", "B", "wbbm", "pemda", "not_met", "Predikat SAKIP instansi B di bawah minimal BB"),
    ("sakip_instansi", "A", "wbbm", "pemda", "met", None),
    ("sakip_instansi", "CC", "wbk", "kl", "not_met", None),
    # Indeks RB: Pemda WBK >= CC, WBBM >= B; K/L WBK >= B, WBBM >= BB.
    ("indeks_rb", "CC", "wbk", "pemda", "met", "Indeks RB CC memenuhi minimal CC"),
    ("indeks_rb", "CC", "wbk", "kl", "not_met", "Indeks RB CC di bawah minimal B"),
    ("indeks_rb", "C", "wbk", "pemda", "not_met", None),
    ("indeks_rb", "B", "wbbm", "pemda", "met", None),
    ("indeks_rb", "B", "wbbm", "kl", "not_met", "Indeks RB B di bawah minimal BB"),
    ("indeks_rb", "BB", "wbbm", "kl", "met", None),
    ("indeks_rb", "AA", "wbbm", "kl", "met", None),
    ("maturitas_spip", "3", "wbk", "pemda", "met", "Maturitas SPIP level 3 memenuhi minimal level 3"),
    ("maturitas_spip", "Level 2", "wbbm", "kl", "not_met", "Maturitas SPIP level 2 di bawah minimal level 3"),
    ("maturitas_spip", "5", "wbbm", "pemda", "met", None),
    ("layanan_inti", "ya", "wbk", "pemda", "met", None),
    ("layanan_inti", "tidak", "wbbm", "pemda", "not_met", None),
    ("tindak_lanjut_temuan", "100", "wbk", "pemda", "met", "Tindak lanjut temuan 100% memenuhi minimal 100%"),
    (
        "tindak_lanjut_temuan",
        "99,5",
        "wbk",
        "pemda",
        "not_met",
        "Tindak lanjut temuan 99,5% di bawah minimal 100%",
    ),
    ("kepatuhan_lhkpn", "100%", "wbbm", "kl", "met", None),
    ("kepatuhan_lhkasn", "87", "wbk", "pemda", "not_met", None),
    (
        "lama_pembangunan",
        "11",
        "wbk",
        "pemda",
        "not_met",
        "Lama pembangunan ZI 11 bulan di bawah minimal 12 bulan",
    ),
    ("lama_pembangunan", "12", "wbbm", "pemda", "met", None),
    ("sakip_unit", "BB", "wbbm", "pemda", "met", None),
    ("sakip_unit", "CC", "wbk", "pemda", "not_met", None),
]


@pytest.mark.parametrize(("code", "value", "target", "kind", "status", "sentence"), CASES)
def test_prerequisite_judgement(code, value, target, kind, status, sentence):
    verdict = prereq.get(code).judge(value, target=target, kind=kind)
    assert verdict.status == status
    if sentence:
        assert verdict.message == sentence


def test_every_prerequisite_of_the_regulation_is_declared():
    definitions = prereq.definitions()
    assert {d.code for d in definitions.values() if d.level == "instansi"} == {
        "opini_bpk",
        "sakip_instansi",
        "indeks_rb",
        "maturitas_spip",
    }
    assert {d.code for d in definitions.values() if d.level == "unit"} == {
        "layanan_inti",
        "tindak_lanjut_temuan",
        "kepatuhan_lhkpn",
        "kepatuhan_lhkasn",
        "lama_pembangunan",
        "sakip_unit",
    }
    assert definitions["indeks_rb"].minimum == {
        "wbk": {"pemda": "CC", "kl": "B"},
        "wbbm": {"pemda": "B", "kl": "BB"},
    }


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("opini_bpk", "Baik", "harus salah satu dari"),
        ("tindak_lanjut_temuan", "banyak", "harus berupa angka"),
        ("tindak_lanjut_temuan", "120", "antara 0 dan 100"),
        ("layanan_inti", "mungkin", "ya atau tidak"),
    ],
)
def test_values_that_are_not_on_the_scale_are_refused(code, raw, message):
    with pytest.raises(ValueError, match=message):
        prereq.get(code).normalize(raw)


def test_a_broken_prerequisites_file_is_refused(tmp_path: Path):
    broken = tmp_path / "p.yaml"
    broken.write_text(
        "prerequisites:\n  - {code: x, level: unit, kind: grade, scale: [A, B], "
        "minimum: {wbk: Z, wbbm: A}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="harus salah satu"):
        prereq.load(broken)
    broken.write_text(
        "prerequisites:\n  - {code: x, level: unit, kind: percent, minimum: {wbk: 100}}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="no minimum for wbbm"):
        prereq.load(broken)


@pytest.mark.django_db
class TestPrerequisiteSave:
    def test_koordinator_saves_an_instansi_line_and_it_is_audited(self, regency):
        r = regency
        first = prerequisite_save(
            instansi=r.instansi, year=2025, code="opini_bpk", value="wdp", actor=r.koordinator
        )
        assert first.value == "WDP" and first.unit is None
        again = prerequisite_save(
            instansi=r.instansi,
            year=2025,
            code="opini_bpk",
            value="WTP",
            note="LHP BPK 2025",
            files=[pdf("lhp.pdf")],
            actor=r.koordinator,
        )
        assert again.pk == first.pk and again.value == "WTP"
        assert [d.kind for d in again.documents.all()] == [Document.Kind.PRASYARAT]
        audit = AuditEvent.objects.filter(event="prerequisite.saved").latest("seq")
        assert audit.changes["value"] == ["WDP", "WTP"]
        assert audit.changes["note"] == ["", "LHP BPK 2025"]
        assert audit.actor == r.koordinator and audit.instansi_id == r.instansi.pk

    @pytest.mark.parametrize("who", ["ketua_a", "operator_a", "pimpinan", "evaluator", "other_koordinator"])
    def test_only_the_koordinator_saves_instansi_lines(self, regency, who):
        before = AuditEvent.objects.count()
        with pytest.raises(PermissionDenied):
            prerequisite_save(
                instansi=regency.instansi,
                year=2025,
                code="sakip_instansi",
                value="B",
                actor=getattr(regency, who),
            )
        assert Prerequisite.objects.count() == 0 and AuditEvent.objects.count() == before

    @pytest.mark.parametrize("who", ["koordinator", "ketua_a", "operator_a"])
    def test_unit_team_saves_unit_lines(self, regency, who):
        record = prerequisite_save(
            instansi=regency.instansi,
            unit=regency.unit_a,
            year=2025,
            code="kepatuhan_lhkpn",
            value="100",
            actor=getattr(regency, who),
        )
        assert record.unit == regency.unit_a and record.value == "100"

    @pytest.mark.parametrize("who", ["anggota_a", "operator_b", "pimpinan", "evaluator", "pengawas"])
    def test_others_cannot_save_unit_lines(self, regency, who):
        with pytest.raises(PermissionDenied):
            prerequisite_save(
                instansi=regency.instansi,
                unit=regency.unit_a,
                year=2025,
                code="kepatuhan_lhkpn",
                value="100",
                actor=getattr(regency, who),
            )
        assert Prerequisite.objects.count() == 0

    def test_bad_input_is_refused_with_nothing_written(self, regency):
        r = regency
        before = (Prerequisite.objects.count(), AuditEvent.objects.count(), Document.objects.count())
        attempts = [
            ({"code": "tindak_lanjut_temuan", "unit": r.unit_a, "value": "seratus"}, "harus berupa angka"),
            ({"code": "tindak_lanjut_temuan", "unit": None, "value": "100"}, "diisi per unit"),
            ({"code": "opini_bpk", "unit": r.unit_a, "value": "WTP"}, "diisi untuk instansi"),
            ({"code": "lama_pembangunan", "unit": r.unit_a, "value": "20"}, "dihitung otomatis"),
            ({"code": "tak_dikenal", "unit": r.unit_a, "value": "1"}, "tidak dikenal"),
            (
                {
                    "code": "kepatuhan_lhkpn",
                    "unit": r.unit_a,
                    "value": "100",
                    "files": [png_named_pdf("x.pdf")],
                },
                "bukan PDF",
            ),
        ]
        for kwargs, message in attempts:
            with pytest.raises(ValidationError) as caught:
                prerequisite_save(instansi=r.instansi, year=2025, actor=r.koordinator, **kwargs)
            assert any(message in text for text in caught.value.messages), caught.value.messages
        assert (Prerequisite.objects.count(), AuditEvent.objects.count(), Document.objects.count()) == before

    def test_a_unit_of_another_instansi_is_refused(self, regency):
        with pytest.raises(ValidationError):
            prerequisite_save(
                instansi=regency.instansi,
                unit=regency.unit_c,
                year=2025,
                code="kepatuhan_lhkpn",
                value="100",
                actor=regency.koordinator,
            )


@pytest.mark.django_db
def test_checklist_judges_the_saved_values_for_pemda_and_kl(regency):
    r = regency
    for code, value in [
        ("opini_bpk", "WTP"),
        ("sakip_instansi", "BB"),
        ("indeks_rb", "CC"),
        ("maturitas_spip", "3"),
    ]:
        prerequisite_save(instansi=r.instansi, year=2025, code=code, value=value, actor=r.koordinator)
    prerequisite_save(
        instansi=r.instansi,
        unit=r.unit_a,
        year=2025,
        code="tindak_lanjut_temuan",
        value="80",
        actor=r.operator_a,
    )
    checklist = prerequisite_checklist(unit=r.unit_a, user=r.koordinator, year=2025)
    rows = {row.definition.code: row for row in checklist.rows}
    assert checklist.instansi_kind == "pemda"
    assert rows["indeks_rb"].wbk.met and not rows["indeks_rb"].wbbm.met
    assert rows["tindak_lanjut_temuan"].wbk.message == "Tindak lanjut temuan 80% di bawah minimal 100%"
    assert rows["kepatuhan_lhkpn"].wbk.status == "empty"
    assert not checklist.wbk_met and checklist.wbk_met_count == 4
    assert rows["opini_bpk"].can_edit and rows["tindak_lanjut_temuan"].can_edit
    assert not rows["lama_pembangunan"].can_edit
    # another year is a separate checklist
    assert prerequisite_checklist(unit=r.unit_a, user=r.koordinator, year=2024).wbk_met_count == 0
    # the same grade in a K/L instansi falls short of the K/L minimum
    Instansi.objects.filter(pk=r.instansi.pk).update(kind=Instansi.Kind.KEMENTERIAN)
    r.unit_a.instansi.refresh_from_db()
    kl_rows = {
        row.definition.code: row
        for row in prerequisite_checklist(unit=r.unit_a, user=r.koordinator, year=2025).rows
    }
    assert not kl_rows["indeks_rb"].wbk.met
    assert kl_rows["indeks_rb"].wbk.message == "Indeks RB CC di bawah minimal B"


@pytest.mark.django_db
def test_checklist_edit_rights_follow_the_roles(regency):
    r = regency
    rows = {
        row.definition.code: row
        for row in prerequisite_checklist(unit=r.unit_a, user=r.operator_a, year=2025).rows
    }
    assert not rows["opini_bpk"].can_edit and rows["kepatuhan_lhkpn"].can_edit
    rows = {
        row.definition.code: row
        for row in prerequisite_checklist(unit=r.unit_a, user=r.pimpinan, year=2025).rows
    }
    assert not any(row.can_edit for row in rows.values())


@pytest.mark.django_db
def test_building_months_come_from_the_lifecycle(regency):
    unit, k = regency.unit_a, regency.koordinator
    assert building_months(history(unit), year=days_ago(0).year, today=days_ago(0)) == ""
    walk(unit, k, PATH_TO_WBK[:3], [days_ago(500), days_ago(495), days_ago(490)])
    months = int(building_months(history(unit), year=days_ago(0).year, today=days_ago(0)))
    assert 15 <= months <= 16
    rows = {
        row.definition.code: row
        for row in prerequisite_checklist(unit=unit, user=k, year=days_ago(0).year).rows
    }
    assert rows["lama_pembangunan"].wbk.met


@pytest.mark.django_db
def test_an_rsud_of_a_pemda_is_exempt_from_every_tabel_5_row_instansi_level_included(regency):
    # 5/2024 Lampiran II Bab II A: RSUD, Dukcapil, Samsat, PTSP, pendidikan, ketenagakerjaan of a Pemda may be
    # proposed "meskipun masih dalam proses pemenuhan syarat ... Tabel 5" (F7).
    r = regency
    prerequisite_save(instansi=r.instansi, year=2025, code="opini_bpk", value="WDP", actor=r.koordinator)
    prerequisite_save(instansi=r.instansi, year=2025, code="sakip_instansi", value="BB", actor=r.koordinator)
    unit_services.unit_update(unit=r.unit_a, actor=r.koordinator, stranas_type="rsud")
    r.unit_a.refresh_from_db()
    checklist = prerequisite_checklist(unit=r.unit_a, user=r.koordinator, year=2025)
    rows = {row.definition.code: row for row in checklist.rows}
    assert checklist.exemption == "Rumah sakit umum daerah (RSUD)"
    assert rows["opini_bpk"].wbk.status == "exempt"
    assert rows["opini_bpk"].wbk.message.startswith(
        "Opini BPK WDP di bawah minimal WTP; dikecualikan: Rumah sakit"
    )
    assert rows["sakip_instansi"].wbk.status == "met"  # what is met stays met
    assert rows["kepatuhan_lhkpn"].wbk.status == "exempt"  # not filled in yet: also in process
    assert checklist.wbk_met and checklist.wbbm_met and checklist.wbk_met_count == 1
    # the same RSUD in a K/L instansi is not exempt
    Instansi.objects.filter(pk=r.instansi.pk).update(kind=Instansi.Kind.KEMENTERIAN)
    r.unit_a.instansi.refresh_from_db()
    checklist = prerequisite_checklist(unit=r.unit_a, user=r.koordinator, year=2025)
    assert checklist.exemption == "" and not checklist.wbk_met
    assert {row.definition.code: row for row in checklist.rows}["opini_bpk"].wbk.status == "not_met"
