"""Submission and the staged TPI review (all take `pk` = the assessment)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import review as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/ajukan/", views.submit, name="submit"),
    path("<int:pk>/reviu/", views.review, name="review"),
    path("<int:pk>/reviu/butir/<str:code>/", views.review_answer, name="review_answer"),
    path("<int:pk>/reviu/kembalikan/", views.review_return, name="review_return"),
    path("<int:pk>/reviu/lanjut/", views.review_advance, name="review_advance"),
    path("<int:pk>/reviu/finalkan/", views.review_finalise, name="review_finalise"),
    path("<int:pk>/reviu/area/<int:number>/", views.review_area_note, name="review_area_note"),
    path("<int:pk>/riwayat/<str:code>/", views.answer_history, name="answer_history"),
]
