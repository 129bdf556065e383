"""The default cache is shared by worker processes without Redis (zona.core.cache.SharedFileCache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

THROTTLE = """
import json, sys, django
django.setup()
from django.http import HttpRequest
from zona.surveys import services_public as s
accepted = blocked = 0
for _ in range(int(sys.argv[1])):
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "203.0.113.7"
    state = s.throttle_state(request)  # no cookie: a bot that drops it, so only the cache counts
    if state.blocked:
        blocked += 1
    else:
        s.throttle_hit(state)
        accepted += 1
print(json.dumps([accepted, blocked]))
"""

COUNTER = """
import sys, django
django.setup()
from django.core.cache import cache
cache.add("zona:test:n", 0, timeout=600)
for _ in range(int(sys.argv[1])):
    cache.incr("zona:test:n")
"""


def env(tmp_path: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zona.settings.production",  # what `make run` serves with
        "SECRET_KEY": "shared-cache-test",
        "ZONA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("REDIS_URL", None)
    return environment


def python(code: str, *args: str, environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=environment, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def test_two_workers_share_one_survey_limit_per_device(tmp_path):
    environment = env(tmp_path)
    first = python(THROTTLE, "6", environment=environment)
    assert json.loads(first.communicate(timeout=120)[0]) == [6, 0]
    second = python(THROTTLE, "6", environment=environment)
    # The other worker sees the same counter: 4 more and then blocked (a per-process cache accepted 6).
    assert json.loads(second.communicate(timeout=120)[0]) == [4, 2]
    assert (tmp_path / "cache").is_dir()


def test_counting_from_two_processes_at_once_loses_no_hit(tmp_path):
    environment = env(tmp_path)
    workers = [python(COUNTER, "150", environment=environment) for _ in range(2)]
    for worker in workers:
        worker.communicate(timeout=120)
        assert worker.returncode == 0
    read = python(
        "import django; django.setup(); from django.core.cache import cache; print(cache.get('zona:test:n'))",
        environment=environment,
    )
    assert read.communicate(timeout=120)[0].strip() == "300"


def test_expired_entries_are_culled_before_live_ones(tmp_path):
    from zona.core.cache import SharedFileCache

    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}})
    cache.set("secret", "keep", timeout=3600)
    for n in range(3):
        cache.set(f"old{n}", n, timeout=-1)  # already expired
    cache.set("new", 1, timeout=3600)  # the cull on this set removes the expired three only
    assert cache.get("secret") == "keep" and cache.get("new") == 1
    assert len(list(tmp_path.glob("*.djcache"))) == 2
