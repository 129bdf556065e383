"""`python -m benchmarks.inputs`: bounded input, as ratios against parsing an ordinary answer in the same run.

Refusing `1e100000000`, a 5,001-digit number and `1e309` should cost about what reading "75" costs (before
the bounds, the first took minutes: Fraction("1e100000000") builds 10**100000000).
"""

from __future__ import annotations

from zona.lke.numbers import NotANumber, to_fraction

from .__main__ import timed


def _refuse(text: str) -> None:
    try:
        to_fraction(text)
    except NotANumber:
        return
    raise AssertionError(f"{text[:20]} was accepted")


def main() -> None:
    baseline = timed(lambda: to_fraction("75"), number=2000)
    print(f"to_fraction('75'): {baseline * 1e6:.1f} µs (baseline)")
    for label, text in (("1e100000000", "1e100000000"), ("5,001 digits", "9" * 5001), ("1e309", "1e309")):
        seconds = timed(lambda text=text: _refuse(text), number=2000)
        print(f"refuse {label}: {seconds * 1e6:.1f} µs = {seconds / baseline:.1f}× baseline")


if __name__ == "__main__":
    main()
