from __future__ import annotations

from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/hapus/", views.remove, name="remove"),
]
