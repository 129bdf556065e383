"""Django's PostgreSQL backend with the audit chain's commit step (see zona.core.db)."""

from __future__ import annotations

from django.db.backends.postgresql import base

from zona.core.db import AuditChainMixin


class DatabaseWrapper(AuditChainMixin, base.DatabaseWrapper):
    zona_chain_after_commit = True
