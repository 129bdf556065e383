"""Local development: DEBUG on, a throwaway secret key."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = _SECRET_KEY or "dev-only-insecure-key-change-me"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
