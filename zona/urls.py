from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("zona.accounts.urls")),
    path("audit/", include("zona.audit.urls")),
    path("unit/", include("zona.units.urls")),
    path("unit/<int:unit_pk>/tim/", include("zona.teams.urls")),
    path("unit/<int:unit_pk>/tahapan/", include("zona.lifecycle.urls")),
    path("dokumen/", include("zona.documents.urls")),
    path("penilaian/", include("zona.assessments.urls")),
    path("kalender/", include("zona.calendar.urls")),
    path("survei/isi/", include("zona.surveys.urls_entry")),
    path("survei/", include("zona.surveys.urls")),
    path("s/", include("zona.surveys.urls_public")),
    path("", include("zona.core.urls")),
]

handler403 = "zona.core.views.permission_denied"
