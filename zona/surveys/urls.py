"""Staff survey pages, mounted at /survei/ (namespace `surveys`)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("baru/", views.campaign_create, name="create"),
    path("target/", views.sample_target, name="target"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/kirim-lke/", views.campaign_feed, name="feed_lke"),
    path("<int:pk>/<slug:action>/", views.campaign_action, name="action"),
    path("unit/<int:unit_pk>/<int:year>/", views.unit_results, name="unit_results"),
]
