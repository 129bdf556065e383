"""Survey benchmark (part of `make bench`): 1,000,000 responses across 500 units, then two ratios.

(a) Zona's results for every unit (`selectors.results_for_units`: one GROUP BY with COUNT/SUM per answer
    column and over the per-response row sum, then the exact arithmetic) vs a plain SQL GROUP BY that
    computes only the per-unit means of the nine answers (AVG). Goal ≤ 1.5×.
(b) Public-form submissions per second (Django test Client POSTing valid answers to
    `survey_public:form`, which validates, checks throttle/honeypot/timing and stores the response) vs
    a minimal Django view answering a POST on the same server (same middleware) that stores the same
    row. Goal ≥ 0.5×. The variants are interleaved request by request in rounds, so that noise of the
    disk (every stored row is a commit, i.e. an fsync on SQLite) or of the machine hits them alike;
    rates and the ratio are medians over the rounds (BENCH_SURVEY_ROUNDS, default 5, of
    BENCH_SURVEY_SUBMISSIONS POSTs per variant, default 200), after a warm-up.

The database is a fresh test database: a SQLite file in a temporary folder by default, or the test
database of DATABASE_URL (e.g. PostgreSQL) when it is set; it is removed at the end. Size with
BENCH_SURVEY_RESPONSES / BENCH_SURVEY_UNITS (defaults 1,000,000 / 500).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESPONSES = int(os.environ.get("BENCH_SURVEY_RESPONSES", "1000000"))
UNITS = int(os.environ.get("BENCH_SURVEY_UNITS", "500"))
BATCH = 20_000
SUBMISSIONS = int(os.environ.get("BENCH_SURVEY_SUBMISSIONS", "200"))  # POSTs per variant per round
ROUNDS = int(os.environ.get("BENCH_SURVEY_ROUNDS", "5"))
WARMUP = 20


def _setup_django(tmp: Path) -> Callable[[], None]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings.test")
    using_sqlite = not os.environ.get("DATABASE_URL")
    if using_sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    django.setup()
    if using_sqlite:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(tmp / "bench-test.sqlite3")
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    return lambda: teardown_databases(old, verbosity=0)


def _median(fn: Callable[[], Any], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _generate(year: int) -> tuple[list[int], Any]:
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from zona.accounts.models import User
    from zona.surveys import services
    from zona.surveys.models import Campaign, Response
    from zona.units.models import Instansi, Unit

    instruments = {r.instrument.code: r.instrument for r in services.instruments_load_shipped()}
    skm = instruments["skm-permenpanrb-14-2017"]
    user = User.objects.create_user(username="bench", password="bench-only-password")  # noqa: S106
    instansi = Instansi.objects.create(name="Kabupaten Bench", slug="bench", kind=Instansi.Kind.KABUPATEN)
    units = Unit.objects.bulk_create(
        Unit(instansi=instansi, name=f"Unit {i}", slug=f"unit-{i}", kind=Unit.Kind.DINAS, path=f"{i:05d}/")
        for i in range(UNITS)
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            unit=unit,
            instrument=skm,
            title=f"SKM {unit.name}",
            year=year,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            status=Campaign.Status.OPEN,
            short_code=f"b{i:06d}",
            created_by=user,
        )
        for i, unit in enumerate(units)
    )
    table = Response._meta.db_table
    cols = [
        "campaign_id",
        "submitted_at",
        "channel",
        "gender",
        "age",
        "education",
        "occupation",
        "suggestion",
    ]
    cols += [f"a{i}" for i in range(1, 10)]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
    rng = random.Random(2017)  # noqa: S311
    now = timezone.now()
    ids = [c.pk for c in campaigns]
    weights = [1, 2, 5, 4]
    done = 0
    started = time.perf_counter()
    while done < RESPONSES:
        size = min(BATCH, RESPONSES - done)
        rows = []
        for k in range(size):
            answers = rng.choices((1, 2, 3, 4), weights, k=9)
            rows.append(
                (
                    ids[(done + k) % len(ids)],
                    now,
                    "web",
                    rng.choice("LP"),
                    rng.randint(17, 70),
                    "sma",
                    "swasta",
                    "",
                    *answers,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += size
    print(
        f"surveys: generated {RESPONSES:,} responses across {UNITS} units "
        f"in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )
    return [u.pk for u in units], campaigns[0]


def _bench_results(unit_ids: list[int], year: int) -> None:
    from django.db import connection

    from zona.surveys.models import Campaign, Response
    from zona.surveys.selectors import results_for_units

    avgs = ", ".join(f"AVG(r.a{i})" for i in range(1, 10))
    plain_sql = (
        f"SELECT c.unit_id, COUNT(*), {avgs} FROM {Response._meta.db_table} r "  # noqa: S608
        f"JOIN {Campaign._meta.db_table} c ON r.campaign_id = c.id WHERE c.year = %s GROUP BY c.unit_id"
    )

    def plain() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(plain_sql, [year])
            return cursor.fetchall()

    def zona() -> dict[int, Any]:
        return results_for_units(unit_ids, year)

    plain(), zona()  # warm the caches once
    base_s = _median(plain)
    zona_s = _median(zona)
    rows = {row[0]: row for row in plain()}
    results = zona()
    assert set(results) == set(rows) == set(unit_ids)
    for unit_id, row in list(rows.items())[:25]:
        got = results[unit_id][0].result
        assert got.n == row[1]
        for q, mean in zip(got.questions, row[2:], strict=True):
            assert abs(float(q.mean or 0) - float(mean)) < 1e-9
    verdict = "OK" if zona_s / base_s <= 1.5 else "ABOVE GOAL"
    print(
        f"surveys (a): results for {len(unit_ids)} units: Zona {zona_s * 1e3:.0f} ms, plain SQL GROUP BY "
        f"{base_s * 1e3:.0f} ms, ratio {zona_s / base_s:.2f}x (goal ≤ 1.5x: {verdict})"
    )


def _bench_submissions(campaign: Any) -> None:
    from django.http import HttpRequest, HttpResponse
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, path, reverse
    from django.utils import timezone

    from zona import urls as project_urls
    from zona.surveys import services_public
    from zona.surveys.instruments import instrument_def
    from zona.surveys.models import Response

    def minimal(request: HttpRequest) -> HttpResponse:
        """The least any submission must do: read the POST and store one row (autocommit, no checks)."""
        Response.objects.create(
            campaign_id=int(request.POST["c"]),
            submitted_at=timezone.now(),
            channel="web",
            **{f"a{i}": int(request.POST[f"a{i}"]) for i in range(1, 10)},
        )
        return HttpResponse("ok")

    def noop(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    module = type(project_urls)("zona_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/minimal/", minimal),
        path("bench/noop/", noop),
        *project_urls.urlpatterns,
    ]  # type: ignore[attr-defined]
    import sys

    sys.modules["zona_bench_urls"] = module
    definition = instrument_def(campaign.instrument)
    with override_settings(
        ROOT_URLCONF="zona_bench_urls",
        ZONA_SURVEY_PER_DEVICE_PER_HOUR=10**9,
        ZONA_SURVEY_KIOSK_PER_HOUR=10**9,
    ):
        try:
            url = reverse("survey_public:form", kwargs={"short_code": campaign.short_code})
        except NoReverseMatch:
            print("surveys (b): not measured — the public form URL (survey_public:form) does not exist yet")
            return
        client = Client()
        rng = random.Random(5)  # noqa: S311
        before = Response.objects.filter(campaign=campaign).count()
        # The payloads (and the form's signed timing token, which the GET that served the form would have
        # issued) are prepared before timing: only the POST itself is measured, for every variant.
        token = services_public.form_token(now=time.time() - 60)

        def form_payload() -> dict[str, str]:
            data = {f"q_{q.code}": str(rng.randint(1, 4)) for q in definition.questions}
            data["started"] = token
            data["website"] = ""
            return data

        def minimal_payload() -> dict[str, str]:
            return {"c": str(campaign.pk), **{f"a{i}": str(rng.randint(1, 4)) for i in range(1, 10)}}

        variants: dict[str, tuple[str, Callable[[], dict[str, str]], int]] = {
            "form": (url, form_payload, 302),
            "minimal": ("/bench/minimal/", minimal_payload, 200),
            "noop": ("/bench/noop/", lambda: {"x": "1"}, 200),
        }

        def post(name: str, data: dict[str, str]) -> float:
            target, _payload, expected = variants[name]
            start = time.perf_counter()
            response = client.post(target, data)
            elapsed = time.perf_counter() - start
            assert response.status_code == expected, (name, response.status_code)
            return elapsed

        for name, (_target, payload, _expected) in variants.items():  # warm-up (templates, caches, SQL)
            for _ in range(WARMUP):
                post(name, payload())
        # Interleaved: each round posts form, minimal, no-op in turn (order rotating per round), so that a
        # slow patch of the disk or of the machine (fsync, other processes) hits every variant alike. The
        # rate of each variant is its median over the rounds; the ratio is the median of the rounds' ratios.
        names = list(variants)
        rates: dict[str, list[float]] = {name: [] for name in names}
        ratios: list[float] = []
        for round_no in range(ROUNDS):
            order = names[round_no % len(names) :] + names[: round_no % len(names)]
            spent = dict.fromkeys(names, 0.0)
            for _ in range(SUBMISSIONS):
                for name in order:
                    data = variants[name][1]()
                    spent[name] += post(name, data)
            for name in names:
                rates[name].append(SUBMISSIONS / spent[name])
            ratios.append(spent["minimal"] / spent["form"])
        stored = Response.objects.filter(campaign=campaign).count() - before
        assert stored == 2 * (WARMUP + ROUNDS * SUBMISSIONS), (stored, SUBMISSIONS)
    form_rate, base_rate, noop_rate = (statistics.median(rates[name]) for name in names)
    ratio = statistics.median(ratios)
    verdict = "OK" if ratio >= 0.5 else "BELOW GOAL"
    print(
        f"surveys (b): public form {form_rate:.0f} submissions/s vs a minimal Django view storing the "
        f"same row {base_rate:.0f}/s: ratio {ratio:.2f}x (goal ≥ 0.5x: {verdict}; rounds "
        f"{min(ratios):.2f}–{max(ratios):.2f}); a view that stores nothing: {noop_rate:.0f}/s (form/no-op "
        f"{form_rate / noop_rate:.2f}x). Django test Client in one process, {ROUNDS} rounds of "
        f"{SUBMISSIONS} POSTs per variant, interleaved, medians"
    )


def main() -> None:
    from datetime import date

    with tempfile.TemporaryDirectory(prefix="zona-bench-") as folder:
        teardown = _setup_django(Path(folder))
        try:
            year = date.today().year  # noqa: DTZ011
            unit_ids, campaign = _generate(year)
            _bench_results(unit_ids, year)
            _bench_submissions(campaign)
        finally:
            teardown()


if __name__ == "__main__":
    main()
