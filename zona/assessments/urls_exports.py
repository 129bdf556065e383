"""Exports and import of an assessment: Excel (LKE layout), import with preview, LHE PDF, ZIP, recap."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import exports

urlpatterns: list[URLPattern] = [
    path("<int:pk>/unduh/", exports.exports_page, name="exports"),
    path("<int:pk>/unduh/lke.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("<int:pk>/impor/", exports.import_xlsx, name="import_xlsx"),
    path("<int:pk>/unduh/lke-resmi.xlsx", exports.export_official, name="export_official"),
    path("<int:pk>/impor-resmi/", exports.import_official, name="import_official"),
    path("<int:pk>/lhe.pdf", exports.lhe_pdf, name="lhe_pdf"),
    path("<int:pk>/data-dukung.zip", exports.evidence_zip, name="evidence_zip"),
    path("periode/<int:pk>/rekap.xlsx", exports.period_recap_xlsx, name="period_recap_xlsx"),
]
