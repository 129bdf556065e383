"""Django's SQLite backend with the audit chain's commit step (see zona.core.db)."""

from __future__ import annotations

from django.db.backends.sqlite3 import base

from zona.core.db import AuditChainMixin


class DatabaseWrapper(AuditChainMixin, base.DatabaseWrapper):
    pass
