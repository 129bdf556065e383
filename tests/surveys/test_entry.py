"""Paper entry, bulk import and one-time codes: the staff pages at /survei/isi/<campaign>/."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.surveys.test_public_support import URLCONF, campaign
from zona.audit.models import AuditEvent
from zona.surveys import services_entry
from zona.surveys.instruments import instrument_def
from zona.surveys.models import Campaign, OneTimeCode, Response

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

HEADER = ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]


@pytest.fixture
def skm(regency):
    return campaign(regency)


def paper_url(c: Campaign) -> str:
    return reverse("survey_entry:paper", kwargs={"campaign_pk": c.pk})


def import_url(c: Campaign) -> str:
    return reverse("survey_entry:import", kwargs={"campaign_pk": c.pk})


# --- parsing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["3 4 4 3 2 4 4 3 4", "344324434", " 3,4,4,3,2,4,4,3,4 ", "3-4-4-3-2-4-4-3-4"]
)
def test_answers_typed_in_questionnaire_order_map_to_codes(skm, typed):
    answers, problems = services_entry.parse_answers(typed, instrument_def(skm.instrument))
    assert problems == []
    # The paper asks sarana (U9) eighth and pengaduan (U8) ninth.
    assert answers == {"U1": 3, "U2": 4, "U3": 4, "U4": 3, "U5": 2, "U6": 4, "U7": 4, "U9": 3, "U8": 4}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("34432443", "8 jawaban, seharusnya 9"),
        ("3443244345", "10 jawaban, seharusnya 9"),
        ("344524434", "U4: nilai 5 di luar 1–4"),
        ("3 4 4 3 0 4 4 3 4", "U5: nilai 0 di luar 1–4"),
        ("34432443x", "U8: nilai x di luar 1–4"),
        ("", "jawaban kosong"),
    ],
)
def test_bad_digits_are_named(skm, typed, message):
    _answers, problems = services_entry.parse_answers(typed, instrument_def(skm.instrument))
    assert any(message in p for p in problems), problems


# --- paper entry page --------------------------------------------------------------------------------


def test_paper_entry_stores_a_valid_row_with_entered_by(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.get(paper_url(skm))
    assert page.status_code == 200
    html = page.content.decode()
    assert "U1 U2 U3 U4 U5 U6 U7 U9 U8" in html
    assert "autofocus" in html
    page = client.post(
        paper_url(skm),
        {
            "service_type": "2",
            "gender": "p",
            "age": "41",
            "education": "5",
            "occupation": "pns",
            "answers": "3 4 4 3 2 4 4 3 4",
            "suggestion": "Ruang tunggu panas",
        },
    )
    assert page.status_code == 302
    response = Response.objects.get()
    assert response.channel == Response.Channel.PAPER
    assert response.entered_by == regency.operator_a
    assert response.service_type.name == "Kartu Tanda Penduduk"  # numbered by name: Akta 1, KTP 2
    assert (response.gender, response.age, response.education, response.occupation) == ("P", 41, "s1", "pns")
    assert (response.a8, response.a9) == (4, 3)  # U8 pengaduan typed last, U9 sarana eighth
    assert response.suggestion == "Ruang tunggu panas"
    event = AuditEvent.objects.filter(event="survey.response_entered").get()
    assert event.actor == regency.operator_a
    follow = client.get(page["Location"]).content.decode()
    assert "n = <span" in follow and ">1</span>" in follow


def test_paper_entry_with_htmx_returns_a_fresh_row(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(paper_url(skm), {"service_type": "1", "answers": "444444444"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.startswith('<div id="paper-panel">')
    assert "Tersimpan" in html and "autofocus" in html
    assert Response.objects.count() == 1


def test_paper_entry_invalid_digits_message_and_nothing_stored(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(paper_url(skm), {"service_type": "1", "answers": "344524434"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "U4: nilai 5 di luar 1–4" in html
    assert 'value="344524434"' in html  # the row is kept for correction
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"answers": "444444444"}, "Ketik nomor jenis layanan."),
        ({"service_type": "7", "answers": "444444444"}, "jenis layanan 7 tidak dikenal"),
        ({"service_type": "1", "gender": "X", "answers": "444444444"}, "pilihan X tidak dikenal"),
        ({"service_type": "1", "age": "tua", "answers": "444444444"}, "usia tua bukan angka"),
        ({"service_type": "1", "age": "7", "answers": "444444444"}, "usia 7 di luar 15–100"),
    ],
)
def test_paper_entry_profile_codes_are_checked(client, regency, skm, fields, message):
    client.force_login(regency.operator_a)
    page = client.post(paper_url(skm), fields)
    assert message in page.content.decode()
    assert Response.objects.count() == 0


def test_paper_entry_refused_when_campaign_not_open(client, regency):
    c = campaign(regency, status=Campaign.Status.CLOSED)
    client.force_login(regency.operator_a)
    page = client.post(paper_url(c), {"service_type": "1", "answers": "444444444"}, follow=True)
    assert "tidak sedang berjalan" in page.content.decode()
    assert Response.objects.count() == 0


# --- access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["survey_entry:paper", "survey_entry:import", "survey_entry:codes", "survey_entry:import_template"],
)
def test_operator_of_another_unit_gets_404(client, regency, skm, name):
    client.force_login(regency.operator_b)
    assert client.get(reverse(name, kwargs={"campaign_pk": skm.pk})).status_code == 404
    assert (
        client.post(reverse(name, kwargs={"campaign_pk": skm.pk}), {"answers": "444444444"}).status_code
        == 404
    )
    assert Response.objects.count() == 0


def test_read_only_roles_get_403_and_anonymous_is_sent_to_login(client, regency, skm):
    client.force_login(regency.pimpinan)
    assert client.get(paper_url(skm)).status_code == 403
    client.force_login(regency.anggota_a)
    assert client.get(paper_url(skm)).status_code == 403
    client.logout()
    assert client.get(paper_url(skm)).status_code == 302


def test_koordinator_and_ketua_may_enter(client, regency, skm):
    for user in (regency.koordinator, regency.ketua_a):
        client.force_login(user)
        assert client.get(paper_url(skm)).status_code == 200


# --- import ------------------------------------------------------------------------------------------


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _upload(name: str, content: bytes) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _rows_with_errors() -> list[list[str]]:
    rows = [[*HEADER, "jenis_kelamin", "usia", "layanan", "catatan"]]
    for i in range(20):
        rows.append(
            ["4", "3", "3", "4", "3", "3", "4", "2", "3", "L" if i % 2 else "P", str(20 + i), "1", "x"]
        )
    rows[16][3] = "5"  # spreadsheet row 17, column U4
    rows[5][9] = "Z"  # row 6, jenis_kelamin
    rows.append([""] * 13)  # a blank row is skipped
    return rows


def test_import_all_or_nothing_refuses_everything_with_a_row_report(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(import_url(skm), {"file": _upload("skm.csv", _csv(_rows_with_errors()))})
    assert page.status_code == 200
    html = page.content.decode()
    assert "baris 17, kolom U4: nilai 5 di luar 1–4" in html
    assert "baris 6, kolom jenis_kelamin: pilihan Z tidak dikenal" in html
    assert "Tidak ada yang diimpor" in html
    assert "catatan" in html  # reported as ignored
    assert Response.objects.count() == 0
    assert not AuditEvent.objects.filter(event="survey.responses_imported").exists()


def test_import_valid_only_stores_the_valid_rows_and_audits_counts(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(
        import_url(skm), {"file": _upload("skm.csv", _csv(_rows_with_errors(), ";")), "valid_only": "on"}
    )
    html = page.content.decode()
    assert "18 dari 20 baris diimpor; 2 baris dilewati." in html
    assert "baris 17, kolom U4: nilai 5 di luar 1–4" in html
    assert Response.objects.count() == 18
    assert set(Response.objects.values_list("channel", flat=True)) == {Response.Channel.IMPORT}
    assert Response.objects.filter(entered_by=regency.operator_a).count() == 18
    assert Response.objects.filter(service_type__name="Akta Kelahiran").count() == 18
    r = Response.objects.order_by("pk").first()
    assert [r.a1, r.a4, r.a8, r.a9] == [4, 4, 2, 3]
    event = AuditEvent.objects.get(event="survey.responses_imported")
    assert event.changes["imported"] == 18 and event.changes["skipped"] == 2 and event.changes["rows"] == 20
    assert event.changes["mode"] == "valid_only"


def test_import_excel_with_columns_in_any_order(client, regency, skm):
    wb = Workbook()
    ws = wb.active
    header = [*reversed(HEADER), "Usia", "Pendidikan"]
    ws.append(header)
    ws.append([1, 2, 3, 4, 4, 3, 2, 1, 2, 30, "sma"])  # U9..U1
    ws.append([4.0, 4, 4, 4, 4, 4, 4, 4, 4, None, None])
    out = io.BytesIO()
    wb.save(out)
    client.force_login(regency.operator_a)
    page = client.post(import_url(skm), {"file": _upload("skm.xlsx", out.getvalue())})
    assert "2 dari 2 baris diimpor" in page.content.decode()
    first = Response.objects.order_by("pk").first()
    assert [getattr(first, f"a{i}") for i in range(1, 10)] == [2, 1, 2, 3, 4, 4, 3, 2, 1]
    assert (first.age, first.education, first.service_type) == (30, "sma", None)


def test_import_missing_question_column_is_a_file_error(client, regency, skm):
    client.force_login(regency.operator_a)
    rows = [HEADER[:-1], ["4"] * 8]
    page = client.post(import_url(skm), {"file": _upload("skm.csv", _csv(rows))})
    assert "Kolom U9 tidak ada pada baris judul." in page.content.decode()
    assert Response.objects.count() == 0


def test_import_rejects_other_file_types(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(import_url(skm), {"file": _upload("skm.pdf", b"%PDF-1.4 bukan tabel")})
    assert "Jenis berkas tidak didukung" in page.content.decode()
    page = client.post(import_url(skm), {"file": _upload("rusak.xlsx", b"PK\x03\x04 rusak")})
    assert "Berkas Excel tidak dapat dibuka" in page.content.decode()
    assert Response.objects.count() == 0


def test_import_is_one_transaction(regency, skm, monkeypatch):
    """A failure while writing leaves nothing behind (no half import)."""
    from zona.surveys import services_entry as svc

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(svc, "audit_record", boom)
    rows = [HEADER, ["4"] * 9, ["3"] * 9]
    with pytest.raises(RuntimeError):
        svc.responses_import(
            campaign=skm, name="a.csv", content=_csv(rows), valid_only=False, actor=regency.operator_a
        )
    assert Response.objects.count() == 0


def test_import_template_lists_the_instrument_codes(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.get(reverse("survey_entry:import_template", kwargs={"campaign_pk": skm.pk}))
    assert page.content.decode().splitlines()[0].startswith("U1,U2,U3,U4,U5,U6,U7,U8,U9,layanan")


# --- one-time codes ----------------------------------------------------------------------------------


def test_codes_page_generates_csv_and_pdf(client, regency, skm):
    client.force_login(regency.operator_a)
    assert client.get(reverse("survey_entry:codes", kwargs={"campaign_pk": skm.pk})).status_code == 200
    page = client.post(
        reverse("survey_entry:codes", kwargs={"campaign_pk": skm.pk}), {"count": "25", "format": "csv"}
    )
    lines = page.content.decode().splitlines()
    assert lines[0] == "kode" and len(lines) == 26
    assert set(lines[1:]) == set(OneTimeCode.objects.values_list("code", flat=True))
    page = client.post(
        reverse("survey_entry:codes", kwargs={"campaign_pk": skm.pk}), {"count": "3", "format": "pdf"}
    )
    assert page.content.startswith(b"%PDF")
    assert OneTimeCode.objects.count() == 28
    assert AuditEvent.objects.filter(event="survey.codes_generated").count() == 2
    assert not any(code in str(e.changes) for e in AuditEvent.objects.all() for code in lines[1:])


def test_codes_count_is_bounded(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.post(
        reverse("survey_entry:codes", kwargs={"campaign_pk": skm.pk}), {"count": "0", "format": "csv"}
    )
    assert page.status_code == 200
    assert OneTimeCode.objects.count() == 0


def test_import_declared_u8_sarana_numbering_stores_by_the_instruments_codes(client, regency, skm):
    """F19: the file's U8 (Sarana, answered 4) is stored as the instrument's U9 (column a9), its U9
    (Pengaduan, answered 2) as U8 (a8); the audit records the numbering."""
    client.force_login(regency.operator_a)
    rows = [list(HEADER), ["3", "3", "3", "3", "3", "3", "3", "4", "2"]]
    page = client.post(import_url(skm), {"file": _upload("skm.csv", _csv(rows)), "numbering": "sarana_u8"})
    assert page.status_code == 200
    assert "U8 = Sarana dan Prasarana" in page.content.decode()  # offered on the form
    response = Response.objects.get()
    assert (response.a8, response.a9) == (2, 4)
    event = AuditEvent.objects.get(event="survey.responses_imported")
    assert event.changes["numbering"] == "sarana_u8"
