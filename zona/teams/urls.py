from __future__ import annotations

from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("ubah/", views.team_edit, name="team_edit"),
    path("anggota/tambah/", views.member_add, name="member_add"),
    path("<int:member_pk>/ubah/", views.member_edit, name="member_edit"),
    path("<int:member_pk>/hapus/", views.member_remove, name="member_remove"),
    path("agen/tambah/", views.agent_add, name="agent_add"),
    path("agen/<int:agent_pk>/ubah/", views.agent_edit, name="agent_edit"),
    path("agen/<int:agent_pk>/hapus/", views.agent_remove, name="agent_remove"),
]
