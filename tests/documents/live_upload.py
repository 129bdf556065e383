"""A live Zona for the kill -9 upload test (tests/documents/test_upload_kill.py).

`python -m tests.documents.live_upload setup` builds a unit, an operator and an open assessment and prints
a session cookie and the upload URL as JSON.
`application` is Zona's own WSGI app; when ZONA_TEST_PAUSE_MARKER names a file, an evidence upload stops
after its file is written and its rows are created but BEFORE its transaction commits: it writes the
worker's pid to that file and sleeps, so the test can kill -9 the worker inside that window.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _pause_uploads_before_commit() -> None:
    marker = os.environ.get("ZONA_TEST_PAUSE_MARKER")
    if not marker:
        return
    from zona.assessments.services import evidence

    original = evidence._audit

    def audit_then_pause(event: str, *args: Any, **kwargs: Any) -> None:
        original(event, *args, **kwargs)
        if event == "evidence.uploaded":
            Path(marker).write_text(str(os.getpid()))
            time.sleep(300)

    evidence._audit = audit_then_pause  # type: ignore[assignment]


def setup() -> dict[str, str]:
    from django.test import Client

    from tests.assessments.helpers import assessment_of, open_period
    from tests.factories import InstansiFactory, make_unit, make_user
    from zona.accounts.models import Role

    class Regency:
        pass

    regency: Any = Regency()
    regency.instansi = InstansiFactory(name="Pemerintah Kabupaten Uji", slug="uji")
    regency.unit_a = make_unit(regency.instansi, "Dinas Uji")
    regency.unit_b = make_unit(regency.instansi, "Dinas Lain")
    regency.koordinator = make_user("koordinator", Role.KOORDINATOR, instansi=regency.instansi)
    operator = make_user("operator", Role.OPERATOR, instansi=regency.instansi, unit=regency.unit_a)
    assessment = assessment_of(open_period(regency), regency.unit_a)
    client = Client()
    client.force_login(operator)
    return {
        "session": client.cookies["sessionid"].value,
        "url": f"/penilaian/{assessment.pk}/butir/A.I.1.i.a/data-dukung/unggah/",
    }

    from zona.assessments.models import Evidence
    from zona.documents.models import Blob, Document

    return {
        "blobs": Blob.objects.count(),
        "documents": Document.objects.count(),
        "evidence": Evidence.objects.count(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps({"setup": setup}[sys.argv[1]]()))
else:
    from zona.wsgi import application as _application

    _pause_uploads_before_commit()
    application = _application
