"""A JSON answers file (`zona lke score answers.json`, and any API that takes the same shape), bounded.

    {"framework": "permenpanrb-90-2021", "answers": {"A.I.1.i.a": "ya", "A.II.1.i.a": 80, ...}}

`read_answers_json` never raises: it returns the framework code and the raw answers, or problems (one
Indonesian sentence each) for a file larger than MAX_JSON_BYTES, text that is not UTF-8 JSON, nesting
deeper than an answer can be, a "framework" that is not a code, or more answers than MAX_ANSWERS. The
answers themselves are then read by `zona.lke.answers.parse_answers` (the % rule is documented there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from zona.lke.answers import MAX_ANSWERS
from zona.lke.numbers import shown

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_ANSWER_DEPTH = 3  # {"inputs": {"key": 1}} inside "answers"
FRAMEWORK_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass
class AnswersFile:
    framework_code: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether `value` nests deeper than `limit` (iterative: no recursion on a crafted structure)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            if depth >= limit:
                return True
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, depth + 1) for child in children)
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} bukan angka JSON yang sah")


def read_answers_json(content: bytes) -> AnswersFile:
    """The framework code and raw answers of a JSON answers file, or the problems that stop reading it."""
    if len(content) > MAX_JSON_BYTES:
        return AnswersFile(problems=[f"berkas terlalu besar (paling besar {MAX_JSON_BYTES // 2**20} MB)"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return AnswersFile(problems=["bukan teks UTF-8; simpan berkas JSON sebagai UTF-8"])
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return AnswersFile(
            problems=[f"bukan JSON yang valid (baris {exc.lineno}, kolom {exc.colno}: {exc.msg})"]
        )
    except RecursionError:
        return AnswersFile(problems=["bukan JSON yang dapat dibaca: susunan bersarang terlalu dalam"])
    except ValueError as exc:  # a 5,000-digit integer, NaN/Infinity
        reason = "angka terlalu panjang" if "digits" in str(exc) else str(exc)[:80]
        return AnswersFile(problems=[f"bukan JSON yang dapat dibaca: {reason}"])
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return AnswersFile(problems=['JSON harus berupa objek dengan "answers" (kode butir → jawaban)'])
    result = AnswersFile()
    framework = data.get("framework")
    if framework is not None:
        if not isinstance(framework, str) or not FRAMEWORK_CODE.fullmatch(framework):
            result.problems.append(
                '"framework" harus berupa kode kerangka (mis. "permenpanrb-90-2021"), '
                f"bukan {shown(framework)}"
            )
        else:
            result.framework_code = framework
    answers = data["answers"]
    if len(answers) > MAX_ANSWERS:
        result.problems.append(f'"answers" berisi {len(answers)} jawaban; paling banyak {MAX_ANSWERS}')
        return result
    for code, value in answers.items():
        if _too_deep(value, MAX_ANSWER_DEPTH - 1):
            result.problems.append(f"{shown(code, 30)}: jawaban bersarang terlalu dalam")
        elif isinstance(value, list):
            result.problems.append(f"{shown(code, 30)}: jawaban tidak boleh berupa daftar")
        else:
            result.answers[code] = value
    return result
