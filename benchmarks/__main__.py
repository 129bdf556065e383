"""`make bench`: speed of Zona's hot paths as ratios against a baseline measured in the same run.

Scoring: the exact engine (fractions, verdicts, gains) on the full 113-item LKE vs a bare float
weighted-mean loop over the same answers (the least any scorer must do).
Surveys: see benchmarks/surveys.py (1,000,000 responses; results vs plain SQL; form vs minimal view).
Audit: see benchmarks/audit.py (audited writes per second, 20 concurrent writers, vs the same writes
without audit), run in a process of its own (it sets up its own database).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from zona.lke.answers import item_value, parse_answers
from zona.lke.framework import load_framework_file
from zona.lke.scoring import score

DATA = Path(__file__).resolve().parent.parent / "zona" / "frameworks" / "data" / "permenpanrb-90-2021.yaml"


def timed(fn: Callable[[], object], repeat: int = 7, number: int = 50) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def main() -> None:
    framework = load_framework_file(DATA)
    raw = {}
    for code, item in framework.items.items():
        kind = framework.answer_type(item).kind
        raw[code] = (
            "B"
            if kind == "choice" and "B" in framework.answer_type(item).options
            else ("Ya" if kind == "choice" else (3.5 if kind == "index" else 75))
        )
    answers, problems = parse_answers(framework, raw)
    assert not problems, problems
    values = {
        code: float(item_value(framework, item, answers.get(code)) or 0)
        for code, item in framework.items.items()
    }
    indicators = [
        (float(node.weight), node.items)
        for node in framework.nodes.values()
        if node.is_indicator and node.items and node.weight is not None
    ]

    def baseline() -> float:
        return sum(w * sum(values[i] for i in items) / len(items) for w, items in indicators)

    engine_s = timed(lambda: score(framework, answers))
    base_s = timed(baseline)
    total = float(score(framework, answers).total)
    assert abs(total - baseline()) < 1e-9, (total, baseline())
    print(
        f"scoring 113 items: engine {engine_s * 1e3:.3f} ms, baseline {base_s * 1e3:.3f} ms, "
        f"ratio {engine_s / base_s:.1f}x (exact fractions + verdicts + gains vs a float loop)"
    )


if __name__ == "__main__":
    main()
    import subprocess
    import sys

    from benchmarks import surveys

    surveys.main()
    subprocess.run([sys.executable, "-m", "benchmarks.audit"], check=True)
