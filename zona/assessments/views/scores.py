"""The scores and eligibility page of one assessment (read-only; whoever may view the assessment)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action

from ..models import Assessment
from ..selectors.scores import assessment_scores_page


@zona_login_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = permissions.get_object_or_deny(
        request.user,
        Action.VIEW,
        Assessment.objects.select_related(
            "period__framework", "period__instansi", "unit__instansi", "current_stage"
        ),
        pk=pk,
    )
    page = assessment_scores_page(assessment=assessment, user=request.user)
    return render(request, "assessments/scores.html", {"assessment": assessment, "page": page})
