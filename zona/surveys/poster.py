"""Printable PDFs for the counter: the A4 QR poster of a campaign's short link, and one-time code slips."""

from __future__ import annotations

from collections.abc import Sequence

import segno
from django.template.loader import render_to_string

from .models import Campaign


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI (vector: sharp at any print size)."""
    return segno.make(url, error="m").svg_data_uri(scale=10, border=2)


def _pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    return HTML(string=html, base_url=base_url).write_pdf() or b""


def poster_pdf(*, campaign: Campaign, url: str, instrument_name: str) -> bytes:
    html = render_to_string(
        "surveys/public/poster.html",
        {
            "campaign": campaign,
            "unit": campaign.unit,
            "url": url,
            "qr": qr_data_uri(url),
            "instrument_name": instrument_name,
        },
    )
    return _pdf(html, url)


def codes_pdf(*, campaign: Campaign, codes: Sequence[str], url: str) -> bytes:
    """Slips to cut and hand out (or staple to the service receipt): the code, the link and its QR."""
    html = render_to_string(
        "surveys/entry/codes_pdf.html",
        {"campaign": campaign, "unit": campaign.unit, "codes": codes, "url": url, "qr": qr_data_uri(url)},
    )
    return _pdf(html, url)
