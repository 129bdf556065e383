"""Shared bits of the team tests: a real (minimal) PDF, and a complete team for unit A."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from zona.teams import services
from zona.teams.models import TeamMember, ZiTeam

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "sk-tim.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_team(regency, *, year: int = 2024, sk_number: str = "800/12/DUKCAPIL/2024") -> ZiTeam:
    return services.team_save(
        unit=regency.unit_a,
        year=year,
        sk_number=sk_number,
        sk_date=dt.date(year, 1, 15),
        actor=regency.operator_a,
    )


def add(
    team: ZiTeam,
    actor,
    name: str,
    nip: str = "",
    role: str = TeamMember.TeamRole.ANGGOTA,
    areas=(),
    user=None,
) -> TeamMember:
    return services.member_add(
        team=team,
        name=name,
        nip=nip,
        position="Staf",
        team_role=role,
        areas=list(areas),
        user=user,
        actor=actor,
    )
