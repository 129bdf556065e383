"""Production: the secret key must come from the environment; secure cookies when served over HTTPS."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY
from .base import VAR_DIR, env_bool

_key_file = VAR_DIR / "secret_key"
SECRET_KEY = _SECRET_KEY or (_key_file.read_text().strip() if _key_file.exists() else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (or in var/secret_key, which `make run` creates)."
    )

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
