"""The live reliability server's settings: production's, with static files hashed but not pre-compressed.

WhiteNoise's gzip/brotli pass over every vendored asset takes most of a minute of CPU and has nothing to
do with what these tests check; everything else is `zona.settings.production` as `make run` uses it.
"""

from __future__ import annotations

from zona.settings.production import *  # noqa: F403
from zona.settings.production import STORAGES as _STORAGES

STORAGES = {
    **_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
