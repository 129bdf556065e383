"""All assessment pages under one namespace; each part of the workflow keeps its own URL module."""

from __future__ import annotations

from . import urls_carryover, urls_exports, urls_periods, urls_review, urls_scores, urls_worksheet

app_name = "assessments"
urlpatterns = [
    *urls_periods.urlpatterns,
    *urls_worksheet.urlpatterns,
    *urls_review.urlpatterns,
    *urls_scores.urlpatterns,
    *urls_exports.urlpatterns,
    *urls_carryover.urlpatterns,
]
