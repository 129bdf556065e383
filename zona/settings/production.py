"""Production: the secret key must come from the environment; HTTPS hardening behind one switch.

`ZONA_HTTPS=1` says "Zona is reached only over HTTPS, through a reverse proxy that terminates TLS and sets
X-Forwarded-Proto". It turns on, together: HSTS, Secure session/CSRF/language cookies, the redirect of
plain HTTP to HTTPS (except /healthz for the proxy's health check), trusting X-Forwarded-Proto, and
upgrade-insecure-requests in the CSP. Without it (`make run` on http://127.0.0.1) nothing of this is on.
See docs/deployment.md.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY as _CSP
from .base import SECRET_KEY as _SECRET_KEY
from .base import VAR_DIR, env_bool

_key_file = VAR_DIR / "secret_key"
SECRET_KEY = _SECRET_KEY or (_key_file.read_text().strip() if _key_file.exists() else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (or in var/secret_key, which `make run` creates)."
    )

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

ZONA_HTTPS = env_bool("ZONA_HTTPS", False)
if ZONA_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("ZONA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ZONA_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    _DIRECTIVES = {**_CSP["DIRECTIVES"], "upgrade-insecure-requests": True}
    CONTENT_SECURITY_POLICY = {**_CSP, "DIRECTIVES": _DIRECTIVES}

# `check --deploy` items that are decided elsewhere, each with its reason (nothing else is silenced):
SILENCED_SYSTEM_CHECKS = [
    # W021 asks for the HSTS "preload" flag. Preloading is a promise to the browser makers about a whole
    # domain (e.g. every host under the regency's domain, for years) that only its owner, usually the
    # Diskominfo, can make; they set ZONA_HSTS_PRELOAD=1 once they have decided it.
    "security.W021",
]
