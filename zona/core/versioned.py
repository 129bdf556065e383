"""Regulation data files (LKE frameworks, survey instruments) as stored, hashed definitions.

Both loaders keep a file's parsed data as plain JSON and recognise an unchanged file by the SHA-256
of its canonical form, so that loading twice changes nothing and a changed file becomes a new version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_definition(data: dict[str, Any]) -> dict[str, Any]:
    """The file's data as plain JSON (dates as ISO text), so that it hashes and stores the same way."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def definition_hash(definition: dict[str, Any]) -> str:
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
