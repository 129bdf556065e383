from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from zona.lke.framework import Framework, build_framework

DATA_DIR = Path(__file__).resolve().parent.parent / "zona" / "frameworks" / "data"
LKE_2021 = DATA_DIR / "permenpanrb-90-2021.yaml"
LKE_2014 = DATA_DIR / "permenpanrb-52-2014.yaml"

_cache: dict[Path, dict[str, Any]] = {}


def framework_data(path: Path = LKE_2021) -> dict[str, Any]:
    """A fresh deep copy of a shipped framework file's data, safe to mutate in a test."""
    if path not in _cache:
        _cache[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[path])


@pytest.fixture(scope="session")
def lke2021() -> Framework:
    return build_framework(framework_data(LKE_2021))


@pytest.fixture(scope="session")
def lke2014() -> Framework:
    return build_framework(framework_data(LKE_2014))


def best_raw(framework: Framework) -> dict[str, Any]:
    """The best answer to every item, as a person would type it."""
    answers: dict[str, Any] = {}
    for code, item in framework.items.items():
        answer_type = framework.answer_type(item)
        if answer_type.kind == "choice":
            answers[code] = answer_type.best_option
        elif answer_type.kind == "index":
            answers[code] = float(answer_type.max or 4)
        else:
            answers[code] = 100
    return answers


def worst_raw(framework: Framework, item_code: str) -> Any:
    answer_type = framework.answer_type(framework.items[item_code])
    if answer_type.kind == "choice":
        return min(answer_type.options, key=lambda key: answer_type.options[key])
    return 0
