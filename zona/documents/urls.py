from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
]
