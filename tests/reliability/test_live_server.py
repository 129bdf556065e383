"""Against a live gunicorn (2 workers, production settings): bursts of autosaves lose nothing, answer no 500,
and a worker killed with -9 in the middle of a submit or an import leaves nothing half-written.

The same tests run on SQLite (the `make run` default) and, with DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import Client, LiveServer, version_in

pytestmark = pytest.mark.reliability

BURST = 24
SAVES_OF_ONE = 100


def _codes(live: LiveServer) -> list[str]:
    return sorted(live.seed["choices"])


def _best(live: LiveServer, code: str) -> str:
    return live.seed["choices"][code][-1]


def _report(statuses: list[int]) -> str:
    counts: dict[int, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))


def test_a_burst_of_autosaves_of_different_items_stores_every_one(
    live: LiveServer, operators: list[Client]
) -> None:
    pk = live.seed["assessment"]
    codes = _codes(live)[:BURST]
    browsers = operators
    start = threading.Barrier(BURST)

    def autosave(n: int) -> tuple[int, str]:
        client = browsers[n % len(browsers)]
        start.wait()
        return client.save(pk, codes[n], _best(live, codes[n]), 0)

    with ThreadPoolExecutor(BURST) as pool:
        results = list(pool.map(autosave, range(BURST)))
    stored = live.probe()["answers"]
    lost = [code for code in codes if (stored.get(code) or {}).get("value") != _best(live, code)]
    statuses = [status for status, _ in results]
    server_errors = [s for s in statuses if s >= 500]
    assert (len(server_errors), len(lost)) == (0, 0), (
        f"{len(server_errors)} server errors and {len(lost)} lost saves out of {BURST} ({_report(statuses)})"
    )
    assert statuses == [200] * BURST
    assert not any('data-conflict="value"' in body for _, body in results)


def test_saves_of_one_item_from_several_clients_are_stored_or_shown_as_conflicts(
    live: LiveServer, operators: list[Client]
) -> None:
    pk = live.seed["assessment"]
    code = _codes(live)[BURST]
    options = live.seed["choices"][code]
    browsers = operators
    per_client = SAVES_OF_ONE // len(browsers)
    outcomes: list[tuple[int, str, bool]] = []
    lock = threading.Lock()

    def operator(n: int) -> None:
        client, known = browsers[n], 0
        for i in range(per_client):
            narrative = f"klien {n} simpan {i}"
            status, body = client.save(pk, code, options[i % len(options)], known, narrative)
            # Under HTMX the conflict panel comes back as a 200 (htmx swaps only 2xx), so read the body.
            conflict = 'data-conflict="value"' in body
            known = version_in(body) or known  # the version the page now holds, as the autosave keeps it
            with lock:
                outcomes.append((status, narrative, conflict))

    threads = [threading.Thread(target=operator, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [status for status, _, _ in outcomes]
    assert len(outcomes) == per_client * len(browsers)
    assert set(statuses) <= {200, 409}, _report(statuses)
    state = live.probe()
    stored = [narrative for _, narrative, conflict in outcomes if not conflict]
    conflicts = len(outcomes) - len(stored)
    assert stored, "no save went through"
    # every save that was not answered with the conflict panel is a stored version: none lost
    assert state["answers"][code]["version"] == len(stored), f"{len(stored)} saved, {conflicts} conflicts"
    assert sorted(state["revisions"][code]) == sorted(stored)
    assert state["audit_ok"], state["audit_reason"]


def _stall_and_kill(live: LiveServer, model: str, send: object) -> None:
    """Arm the fault hook, send the request in a thread, kill -9 the worker stalled inside it."""
    stalled = live.stall_dir / "stalled"
    stalled.unlink(missing_ok=True)
    (live.stall_dir / f"armed-{model}").write_text("1")
    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not stalled.exists() or not stalled.read_text():
        assert time.monotonic() < deadline, "the request never reached the hook"
        time.sleep(0.05)
    pid = int(stalled.read_text())
    assert pid in live.worker_pids()
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=20)
    stalled.unlink()


def _wait_for_workers(live: LiveServer, count: int = 2) -> None:
    deadline = time.monotonic() + 20
    while len(live.worker_pids()) < count:
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.1)


def _send_ignoring_reset(client: Client, *args: object, **kwargs: object) -> object:
    def send() -> None:
        with contextlib.suppress(OSError):  # the worker dies with the connection open
            client.request(*args, **kwargs)  # type: ignore[arg-type]

    return send


def test_a_worker_killed_during_an_excel_import_leaves_no_answer_of_it(
    live: LiveServer, operators: list[Client]
) -> None:
    pk = live.seed["assessment"]
    codes = _codes(live)[BURST + 1 : BURST + 4]
    client = operators[0]
    status, _ = client.request("GET", f"/penilaian/{pk}/unduh/")
    assert status == 200
    opener_status, body = 0, b""
    with client.opener.open(f"{live.url}/penilaian/{pk}/unduh/lke.xlsx", timeout=30) as response:
        opener_status, body = response.status, response.read()
    assert opener_status == 200
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook["LKE"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=5) if row[0].value}
    for code in codes:
        sheet.cell(row=rows[code], column=6, value=_best(live, code))
    edited = io.BytesIO()
    workbook.save(edited)
    status, page = client.upload(f"/penilaian/{pk}/impor/", {}, "sheet", "lke-terisi.xlsx", edited.getvalue())
    assert status == 200, page[:2000]
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match, "no preview"
    before = live.probe()

    _stall_and_kill(
        live, "answer", _send_ignoring_reset(client, "POST", f"/penilaian/{pk}/impor/", {"token": match[1]})
    )

    after = live.probe()
    assert not any(code in after["answers"] for code in codes)  # not one of the three
    assert after["answers"] == before["answers"]
    assert after["revisions"] == before["revisions"]
    assert after["audit"] == before["audit"] and after["audit_ok"], after["audit_reason"]
    _wait_for_workers(live)
    status, _ = client.save(pk, codes[0], _best(live, codes[0]), 0)  # the database is not left locked
    assert status == 200


def test_a_worker_killed_during_submit_leaves_the_assessment_as_it_was(live: LiveServer) -> None:
    pk = live.seed["assessment"]
    ketua = Client(live.url)
    ketua.login(live.seed["ketua"], live.seed["password"])
    status, _ = ketua.request("GET", f"/penilaian/{pk}/ajukan/")
    assert status == 200
    before = live.probe()
    assert before["status"] == "draft"

    _stall_and_kill(
        live,
        "assessment",
        _send_ignoring_reset(ketua, "POST", f"/penilaian/{pk}/ajukan/", {"acknowledge_incomplete": "on"}),
    )

    after = live.probe()
    assert (after["status"], after["submitted_at"], after["current_stage"]) == ("draft", None, None)
    assert after["audit"]["assessment.submitted"] == 0 and after["audit_ok"], after["audit_reason"]
    _wait_for_workers(live)
    status, _ = ketua.request("POST", f"/penilaian/{pk}/ajukan/", {"acknowledge_incomplete": "on"})
    assert status == 302  # and the same submit goes through once the worker is back
    assert live.probe()["status"] == "in_review"


def test_the_server_logged_no_traceback(live: LiveServer) -> None:
    assert "Traceback" not in live.log_text(), live.log_text()[-5000:]


@pytest.fixture(autouse=True)
def _no_stall_left(live: LiveServer) -> None:
    for armed in Path(live.stall_dir).glob("armed-*"):
        armed.unlink()
