"""Context processor alternative to the `{% zona_nav %}` tag: puts the shell's navigation in `zona_nav`.

Enable with "zona.core.context_processors.navigation" in TEMPLATES' context_processors; the tag then reuses
it. Computed lazily so that pages that never render the shell pay nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .nav import build_nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"zona_nav": SimpleLazyObject(lambda: build_nav(request, getattr(request, "user", None)))}
