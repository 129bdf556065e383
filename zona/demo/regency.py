"""A fictional but realistic Pemerintah Kabupaten Belitung Timur for `zona demo load`.

Everything goes through the same services as the UI, so the demo has its audit trail, team SKs, Pakta
Integritas documents and lifecycle history exactly as real use would leave them. People are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zona.accounts import services as account_services
from zona.accounts.models import Role, User
from zona.lifecycle import services as lifecycle_services
from zona.teams import services as team_services
from zona.teams.models import TeamMember
from zona.units import services as unit_services
from zona.units.models import Instansi, Stage, Unit

INSTANSI_SLUG = "beltim"
K = Unit.Kind

# slug, name, kind, serves public, service types, parent slug
UNITS: list[tuple[str, str, str, bool, list[str], str | None]] = [
    ("setda", "Sekretariat Daerah", K.SEKRETARIAT, False, [], None),
    ("bag-organisasi", "Bagian Organisasi", K.BAGIAN, False, [], "setda"),
    ("bag-hukum", "Bagian Hukum", K.BAGIAN, False, [], "setda"),
    ("bag-umum", "Bagian Umum", K.BAGIAN, False, [], "setda"),
    (
        "bag-pbj",
        "Bagian Pengadaan Barang dan Jasa",
        K.BAGIAN,
        True,
        ["Layanan pengadaan secara elektronik"],
        "setda",
    ),
    ("bag-tapem", "Bagian Tata Pemerintahan", K.BAGIAN, False, [], "setda"),
    ("setwan", "Sekretariat DPRD", K.SEKRETARIAT, False, [], None),
    (
        "inspektorat",
        "Inspektorat Daerah",
        K.INSPEKTORAT,
        True,
        ["Pengaduan masyarakat", "Konsultasi pengawasan"],
        None,
    ),
    (
        "bappelitbangda",
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        K.BADAN,
        False,
        [],
        None,
    ),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", K.BADAN, True, ["Penerbitan SP2D"], None),
    (
        "bapenda",
        "Badan Pendapatan Daerah",
        K.BADAN,
        True,
        ["Pelayanan PBB-P2", "Pelayanan BPHTB", "Pajak daerah"],
        None,
    ),
    (
        "bkpsdm",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        K.BADAN,
        True,
        ["Kenaikan pangkat", "Pensiun", "Cuti"],
        None,
    ),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", K.BADAN, True, ["Informasi kebencanaan"], None),
    ("disdik", "Dinas Pendidikan dan Kebudayaan", K.DINAS, True, ["Legalisir ijazah", "Mutasi siswa"], None),
    (
        "dinkes",
        "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana",
        K.DINAS,
        True,
        ["Perizinan fasilitas kesehatan", "Sertifikat laik higiene"],
        None,
    ),
    ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", K.DINAS, True, ["Persetujuan bangunan gedung"], None),
    (
        "dinsos",
        "Dinas Sosial",
        K.DINAS,
        True,
        ["Rekomendasi bantuan sosial", "Data terpadu kesejahteraan sosial"],
        None,
    ),
    (
        "dukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        K.DINAS,
        True,
        ["KTP elektronik", "Kartu keluarga", "Akta kelahiran", "Akta kematian", "Pindah datang"],
        None,
    ),
    (
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        K.DINAS,
        True,
        ["Perizinan berusaha", "Perizinan non-berusaha"],
        None,
    ),
    ("dishub", "Dinas Perhubungan", K.DINAS, True, ["Uji kendaraan bermotor (KIR)"], None),
    (
        "diskominfo",
        "Dinas Komunikasi, Informatika, Statistik dan Persandian",
        K.DINAS,
        True,
        ["Layanan PPID"],
        None,
    ),
    ("dlh", "Dinas Lingkungan Hidup", K.DINAS, True, ["Persetujuan lingkungan", "Pengangkutan sampah"], None),
    (
        "dispar",
        "Dinas Pariwisata, Kepemudaan dan Olahraga",
        K.DINAS,
        True,
        ["Tanda daftar usaha pariwisata"],
        None,
    ),
    ("diskan", "Dinas Perikanan", K.DINAS, True, ["Kartu pelaku usaha kelautan dan perikanan"], None),
    ("distan", "Dinas Pertanian dan Pangan", K.DINAS, True, ["Rekomendasi pupuk bersubsidi"], None),
    (
        "diskopukm",
        "Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan",
        K.DINAS,
        True,
        ["Izin koperasi", "Tera ulang"],
        None,
    ),
    ("disnaker", "Dinas Tenaga Kerja dan Transmigrasi", K.DINAS, True, ["Kartu pencari kerja (AK/1)"], None),
    (
        "satpolpp",
        "Satuan Polisi Pamong Praja dan Pemadam Kebakaran",
        K.SATPOL,
        True,
        ["Pengaduan ketertiban"],
        None,
    ),
    (
        "rsud",
        "RSUD Belitung Timur",
        K.RSUD,
        True,
        ["Rawat jalan", "Rawat inap", "Instalasi gawat darurat"],
        None,
    ),
    (
        "kec-manggar",
        "Kecamatan Manggar",
        K.KECAMATAN,
        True,
        ["Administrasi kependudukan", "Surat keterangan"],
        None,
    ),
    (
        "kec-gantung",
        "Kecamatan Gantung",
        K.KECAMATAN,
        True,
        ["Administrasi kependudukan", "Surat keterangan"],
        None,
    ),
    ("kec-kelapa-kampit", "Kecamatan Kelapa Kampit", K.KECAMATAN, True, ["Surat keterangan"], None),
    ("kec-dendang", "Kecamatan Dendang", K.KECAMATAN, True, ["Surat keterangan"], None),
    ("kec-damar", "Kecamatan Damar", K.KECAMATAN, True, ["Surat keterangan"], None),
    ("kec-simpang-renggiang", "Kecamatan Simpang Renggiang", K.KECAMATAN, True, ["Surat keterangan"], None),
    ("kec-simpang-pesak", "Kecamatan Simpang Pesak", K.KECAMATAN, True, ["Surat keterangan"], None),
    (
        "pkm-manggar",
        "Puskesmas Manggar",
        K.PUSKESMAS,
        True,
        ["Pemeriksaan umum", "KIA", "Imunisasi"],
        "dinkes",
    ),
    ("pkm-gantung", "Puskesmas Gantung", K.PUSKESMAS, True, ["Pemeriksaan umum", "KIA"], "dinkes"),
    ("pkm-kelapa-kampit", "Puskesmas Kelapa Kampit", K.PUSKESMAS, True, ["Pemeriksaan umum"], "dinkes"),
    ("pkm-dendang", "Puskesmas Dendang", K.PUSKESMAS, True, ["Pemeriksaan umum"], "dinkes"),
    (
        "upt-dukcapil-manggar",
        "UPT Pelayanan Terpadu Dukcapil Manggar",
        K.UPT,
        True,
        ["KTP elektronik", "Kartu keluarga"],
        "dukcapil",
    ),
]

# Units of a 5/2024 early-proposal type (zona/lifecycle/data/rules-5-2024.yaml), by slug.
STRANAS_TYPES = {
    "rsud": "rsud",
    "dukcapil": "dukcapil",
    "upt-dukcapil-manggar": "dukcapil",
    "dpmptsp": "ptsp",
}

# Invented people: (first name, family name)
PEOPLE = [
    "Rahmat Hidayat",
    "Siti Aminah",
    "Andi Saputra",
    "Dewi Lestari",
    "Budi Santoso",
    "Nurhayati",
    "Fajar Ramadhan",
    "Maya Anggraini",
    "Yusuf Effendi",
    "Rina Marlina",
    "Hendra Gunawan",
    "Lilis Suryani",
    "Agus Salim",
    "Wulan Sari",
    "Dedi Kurniawan",
    "Intan Permata",
    "Rudi Hartono",
    "Yuliana",
    "Eko Prasetyo",
    "Fitri Handayani",
    "Bayu Aji",
    "Sri Wahyuni",
    "Taufik Hidayat",
    "Ratna Dewi",
    "Irfan Maulana",
    "Novi Andriani",
    "Arif Rahman",
    "Desi Ratnasari",
    "Joko Susilo",
    "Mega Puspita",
]


Step = tuple[Stage, dt.date, dict[str, Any]]


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str


# Units walked through the lifecycle: slug -> list of (stage, date, extra)
def _lifecycle_plan(today: dt.date) -> dict[str, list[Step]]:
    """Dates relative to today, so the history is valid (never in the future) on any day it is loaded."""

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    wbk_date = ago(60)
    long_ago: list[Step] = [
        (Stage.DITETAPKAN, ago(720), {}),
        (Stage.PENCANANGAN, ago(700), {"pakta": 48}),
        (Stage.PEMBANGUNAN, ago(690), {}),
        (Stage.PENILAIAN_MANDIRI, ago(300), {}),
        (Stage.EVALUASI_TPI, ago(270), {}),
        (Stage.DIUSULKAN, ago(240), {}),
        (Stage.WBK, wbk_date, {"sk": f"B/{wbk_date.year}/KEMENPANRB/RB.05/1207"}),
    ]
    recent: list[Step] = [
        (Stage.DITETAPKAN, ago(420), {}),
        (Stage.PENCANANGAN, ago(400), {"pakta": 35}),
        (Stage.PEMBANGUNAN, ago(390), {}),
    ]
    just_chosen: list[Step] = [(Stage.DITETAPKAN, ago(5), {})]
    return {
        "dukcapil": long_ago,
        "dpmptsp": long_ago[:6],
        "rsud": [*recent, (Stage.PENILAIAN_MANDIRI, ago(30), {}), (Stage.EVALUASI_TPI, ago(10), {})],
        "bapenda": [*recent, (Stage.PENILAIAN_MANDIRI, ago(20), {})],
        "bkpsdm": recent,
        "kec-manggar": recent,
        "pkm-manggar": recent[:2],
        "disdik": just_chosen,
        "kec-gantung": just_chosen,
    }


def minimal_pdf(title: str) -> bytes:
    """A small valid one-page PDF (no PDF library needed for a demo placeholder)."""
    text = title.replace("(", "[").replace(")", "]")[:80]
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(title), content_type="application/pdf")


def demo_loaded() -> bool:
    return Instansi.objects.filter(slug=INSTANSI_SLUG).exists()


@transaction.atomic
def load_demo(*, password: str, today: dt.date | None = None) -> list[DemoLogin]:
    """Create the demo regency; returns the logins. Refuses to run twice (check `demo_loaded` first)."""
    today = today or timezone.localdate()
    people = iter(PEOPLE * 20)
    logins: list[DemoLogin] = []

    def person() -> str:
        return next(people)

    instansi = unit_services.instansi_create(
        name="Pemerintah Kabupaten Belitung Timur",
        short_name="Pemkab Beltim",
        kind=Instansi.Kind.KABUPATEN,
        slug=INSTANSI_SLUG,
    )
    units: dict[str, Unit] = {}
    for slug, name, kind, serves, services, parent in UNITS:
        head = person()
        unit = unit_services.unit_create(
            instansi=instansi,
            name=name,
            kind=kind,
            parent=units.get(parent) if parent else None,
            slug=slug,
            serves_public=serves,
            stranas_type=STRANAS_TYPES.get(slug, ""),
            head_name=head,
            head_title=f"Kepala {name}" if kind != K.KECAMATAN else "Camat",
        )
        if services:
            unit_services.service_type_set(unit=unit, names=services, actor=None)
        units[slug] = unit

    def user(username: str, role: str, *, unit: Unit | None = None, tpi_team: Any = None, scope: str) -> User:
        account = account_services.user_create(
            username=username,
            password=password,
            full_name=person(),
            email=f"{username}@beltim.example.go.id",
            validate=False,
        )
        account_services.role_assign(user=account, role=role, instansi=instansi, unit=unit, tpi_team=tpi_team)
        logins.append(DemoLogin(username, str(Role(role).label), scope))
        return account

    koordinator = user("koordinator", Role.KOORDINATOR, scope="Bagian Organisasi — seluruh kabupaten")
    tpi_1 = unit_services.tpi_team_create(
        instansi=instansi,
        name="TPI Inspektorat — Tim 1",
        actor=koordinator,
        sk_number=f"800/{today.year - 1}/INSP/01",
        sk_date=dt.date(today.year - 1, 1, 5),
    )
    tpi_2 = unit_services.tpi_team_create(
        instansi=instansi,
        name="TPI Inspektorat — Tim 2",
        actor=koordinator,
        sk_number=f"800/{today.year - 1}/INSP/02",
        sk_date=dt.date(today.year - 1, 1, 5),
    )
    unit_services.tpi_team_assign_units(
        team=tpi_1,
        units=[units[s] for s in ("dukcapil", "dpmptsp", "rsud", "upt-dukcapil-manggar")],
        actor=koordinator,
    )
    unit_services.tpi_team_assign_units(
        team=tpi_2,
        units=[units[s] for s in ("bapenda", "bkpsdm", "kec-manggar", "pkm-manggar", "disdik")],
        actor=koordinator,
    )
    user("tpi1", Role.EVALUATOR, tpi_team=tpi_1, scope=tpi_1.name)
    user("tpi2", Role.EVALUATOR, tpi_team=tpi_2, scope=tpi_2.name)
    user("pimpinan", Role.PIMPINAN, scope="Sekretaris Daerah — seluruh kabupaten (baca saja)")
    pengawas = user("pengawas", Role.PENGAWAS, scope="Ombudsman RI Perwakilan (unit yang dipublikasikan)")
    for slug in ("dukcapil", "dpmptsp", "rsud"):
        account_services.overseer_publish(user=pengawas, unit=units[slug], actor=koordinator)
    operators = {}
    for slug, unit in units.items():
        operators[slug] = user(f"operator-{slug}", Role.OPERATOR, unit=unit, scope=unit.name)

    # Tahap I (90/2021 Lampiran I Bab II B): the Bupati's pencanangan precedes the designation of units.
    lifecycle_services.instansi_pencanangan_record(
        instansi=instansi,
        date=today - dt.timedelta(days=730),
        leader_signed=True,
        signatory_count=1180,
        staff_count=1420,
        files=[_pdf("Pakta Integritas Pemkab Belitung Timur.pdf", "Pakta Integritas Pemkab Belitung Timur")],
        note="Pencanangan pembangunan Zona Integritas oleh Bupati Belitung Timur",
        actor=koordinator,
    )
    plan = _lifecycle_plan(today)
    for slug, steps in plan.items():
        unit = units[slug]
        for stage, date, extra in steps:
            files = []
            kwargs: dict[str, Any] = {}
            if "pakta" in extra:
                files.append(_pdf(f"Pakta Integritas {unit.name}.pdf", f"Pakta Integritas {unit.name}"))
                kwargs["signatory_count"] = extra["pakta"]
                kwargs["staff_count"] = extra["pakta"] + 4
                kwargs["leader_signed"] = True
            if "sk" in extra:
                kwargs["sk_number"], kwargs["sk_date"] = extra["sk"], date
                files.append(_pdf(f"SK Predikat {unit.name}.pdf", f"SK Predikat WBK {unit.name}"))
            actor = operators[slug] if stage in (Stage.PENCANANGAN, Stage.PEMBANGUNAN) else koordinator
            lifecycle_services.stage_transition(
                unit=unit,
                to_stage=stage,
                actor=actor,
                date=date,
                files=files,
                note=f"Data demo: {Stage(stage).label}",
                **kwargs,
            )
        if any(stage == Stage.PENCANANGAN for stage, _, _ in steps):
            _demo_team(unit, operators[slug], today.year, person)

    from zona.demo.assessments import load_assessments
    from zona.frameworks.services import frameworks_load_shipped

    frameworks_load_shipped()  # idempotent: the period pins the shipped LKE version
    load_assessments(instansi=instansi, koordinator=koordinator, password=password, today=today)

    from zona.demo.surveys import load_surveys

    load_surveys(instansi=instansi, koordinator=koordinator, today=today)

    from zona.calendar import selectors as calendar_selectors
    from zona.calendar import services as calendar_services

    # One clearly-labelled example of a regional day off, 20 working days ahead (not a real decree).
    calendar_services.day_add(
        instansi=instansi,
        date=calendar_selectors.calendar_for(instansi).add_working_days(today, 20),
        name=DEMO_DAY_OFF,
        decree="Contoh data demo, bukan keputusan sungguhan",
        kind="libur",
        actor=koordinator,
    )
    return logins


DEMO_DAY_OFF = "Contoh: libur daerah (data demo)"


AREAS = [1, 2, 3, 4, 5, 6]


def _demo_team(unit: Unit, actor: User, year: int, person: Any) -> None:
    team = team_services.team_save(
        unit=unit,
        year=year,
        sk_number=f"800/{year}/{unit.slug.upper()}/ZI",
        sk_date=dt.date(year, 1, 8),
        sk_file=_pdf(f"SK Tim ZI {unit.name}.pdf", f"SK Tim ZI {unit.name} {year}"),
        actor=actor,
    )
    team_services.member_add(
        team=team,
        name=unit.head_name or person(),
        nip="",
        position=unit.head_title,
        team_role=TeamMember.TeamRole.PENANGGUNG_JAWAB,
        areas=[],
        actor=actor,
    )
    team_services.member_add(
        team=team,
        name=person(),
        nip=f"19800101200501{unit.pk:04d}",
        position="Sekretaris",
        team_role=TeamMember.TeamRole.KETUA,
        areas=[1],
        actor=actor,
    )
    complete = unit.slug not in ("kec-manggar", "pkm-manggar")
    for index, area in enumerate(AREAS[1:] if complete else AREAS[1:4], start=2):
        team_services.member_add(
            team=team,
            name=person(),
            nip=f"19850101201001{unit.pk:03d}{index}",
            position="Kepala Sub Bagian",
            team_role=TeamMember.TeamRole.KOORDINATOR_AREA,
            areas=[area],
            actor=actor,
        )
    team_services.agent_add(
        unit=unit,
        year=year,
        name=person(),
        nip=f"19900101201501{unit.pk:04d}",
        position="Pelaksana",
        sk_number=f"800/{year}/{unit.slug.upper()}/AP",
        commitments="Memangkas waktu layanan dengan antrean daring dan SOP baru.",
        actor=actor,
    )
