"""The navigation of the shell, by role: which links a user sees in the navbar and the user menu.

Computed from `zona.accounts.permissions.roles(user)` (one cached query per request). Links whose URL name
is not (yet) defined are left out rather than breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.models import Role


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Nav:
    main: list[NavLink]
    user_menu: list[NavLink]
    logout_url: str
    login_url: str
    roles: frozenset[str]
    user_label: str

    @property
    def is_koordinator(self) -> bool:
        return Role.KOORDINATOR in self.roles


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _section(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "core" and match.url_name == "home":
        return "home"
    if match.namespace in ("units", "teams", "lifecycle"):
        return "units"
    if match.namespace == "accounts" and match.url_name and match.url_name.startswith("user"):
        return "users"
    return match.namespace or ""


def build_nav(request: HttpRequest | None, user: Any) -> Nav:
    authenticated = bool(getattr(user, "is_authenticated", False))
    roles = frozenset(permissions.roles(user)) if authenticated else frozenset()
    section = _section(request)
    candidates: list[tuple[str, str, str, bool]] = [
        ("home", _("Beranda"), "core:home", True),
        ("units", _("Unit kerja"), "units:list", authenticated),
        ("assessments", _("Penilaian"), "assessments:period_list", bool(roles)),
        ("users", _("Pengguna"), "accounts:users", Role.KOORDINATOR in roles),
        ("calendar", _("Kalender"), "calendar:index", Role.KOORDINATOR in roles),
        ("audit", _("Jejak audit"), "audit:list", Role.KOORDINATOR in roles),
    ]
    main = [
        NavLink(label, url, section == key)
        for key, label, name, shown in candidates
        if shown and (url := _url(name))
    ]
    user_menu: list[NavLink] = []
    if authenticated:
        menu = [
            (_("Ubah sandi"), "accounts:password_change", True),
            (_("Atur OTP"), "accounts:otp_setup", bool(roles & {Role.KOORDINATOR, Role.EVALUATOR})),
        ]
        user_menu = [NavLink(label, url) for label, name, shown in menu if shown and (url := _url(name))]
    return Nav(
        main=main,
        user_menu=user_menu,
        logout_url=_url("accounts:logout") if authenticated else "",
        login_url=_url("accounts:login") or _url("admin:login"),
        roles=roles,
        user_label=str(user) if authenticated else "",
    )
