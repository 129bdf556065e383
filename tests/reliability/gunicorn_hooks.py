"""Gunicorn config for the live reliability server: `make run`'s server plus one test-only fault hook.

When the file `$ZONA_STALL_DIR/armed-<model>` exists, the first save of that model (`answer` or
`assessment`) in a worker writes the worker's pid to `$ZONA_STALL_DIR/stalled` and sleeps inside the
request's transaction, so that the test can kill -9 the worker at that exact point.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    stall_dir = os.environ.get("ZONA_STALL_DIR")
    if not stall_dir:
        return
    from django.db.models.signals import post_save

    from zona.assessments.models import Answer, Assessment

    def stall(sender: Any, **kwargs: Any) -> None:
        armed = Path(stall_dir) / f"armed-{sender._meta.model_name}"
        try:
            armed.unlink()
        except FileNotFoundError:
            return
        (Path(stall_dir) / "stalled").write_text(str(os.getpid()))
        time.sleep(60)

    post_save.connect(stall, sender=Answer, weak=False)
    post_save.connect(stall, sender=Assessment, weak=False)
