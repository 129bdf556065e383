"""The 8-hour idle expiry of sessions without a database write on every request.

SESSION_SAVE_EVERY_REQUEST would rewrite the session row on every request (one write per autosave, per
page, per HTMX fragment), which on SQLite queues every request behind the single writer. This middleware
marks the session as modified only when SESSION_REFRESH_SECONDS have passed since it was last renewed, so
the row (and its expiry date) is written at most once per interval per person. It must sit after
SessionMiddleware in MIDDLEWARE, so that its response step runs before SessionMiddleware saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_zona_renewed"


class SessionRefreshMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or response.status_code >= 500:
            return response
        if session.modified:
            if not session.is_empty():
                session[RENEWED_KEY] = int(time.time())
            return response
        if not session.accessed or session.is_empty():
            return response
        renewed = session.get(RENEWED_KEY, 0)
        if not isinstance(renewed, int) or time.time() - renewed >= settings.SESSION_REFRESH_SECONDS:
            session[RENEWED_KEY] = int(time.time())  # marks it modified: SessionMiddleware saves it
        return response


def mark_renewed_at_login(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A login saves the session anyway: count it as the first renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_KEY] = int(time.time())
