"""`{% zona_nav as nav %}`: the role-based navigation for the shell (see `zona.core.nav`)."""

from __future__ import annotations

from typing import Any

from django import template

from zona.core.nav import Nav, build_nav

register = template.Library()


@register.simple_tag(takes_context=True)
def zona_nav(context: template.Context) -> Nav:
    existing = context.get("zona_nav")
    if isinstance(existing, Nav):
        return existing
    request = context.get("request")
    user: Any = context.get("user") or getattr(request, "user", None)
    return build_nav(request, user)
