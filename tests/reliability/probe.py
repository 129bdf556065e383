"""What the live server's database holds: `python -m tests.reliability.probe <pk>` (prints JSON)."""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    django.setup()
    from zona.assessments.models import Answer, AnswerRevision, Assessment
    from zona.audit.models import AuditEvent
    from zona.audit.services import audit_verify

    assessment = Assessment.objects.get(pk=int(sys.argv[1]))
    answers = Answer.objects.filter(assessment=assessment, stage__isnull=True)
    report = audit_verify()
    revisions: dict[str, list[str]] = {}
    for code, narrative in AnswerRevision.objects.filter(
        answer__assessment=assessment, answer__stage__isnull=True
    ).values_list("answer__item_code", "narrative"):
        revisions.setdefault(code, []).append(narrative)
    json.dump(
        {
            "status": assessment.status,
            "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
            "current_stage": assessment.current_stage_id,
            "answers": {a.item_code: {"value": a.value, "version": a.version} for a in answers},
            "revisions": revisions,
            "audit": {
                event: AuditEvent.objects.filter(event=event).count()
                for event in ("answer.saved", "assessment.submitted", "assessment.imported")
            },
            "audit_ok": report.ok,
            "audit_reason": report.reason,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
