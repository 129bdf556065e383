"""A cache shared by every worker without Redis: Django's file cache with add/incr made atomic.

Django's FileBasedCache writes each entry atomically (temp file + rename) but its `add` and `incr` are a
read followed by a write, so two workers counting the same survey device could both read 3 and both write
4. Here those two hold an exclusive lock on one lock file in the cache folder, which makes the counter
exact across the processes of one host. When the cache is full, expired entries go first (Django's own cull
deletes a random third, which could take today's throttle secret with it). Entries live under VAR_DIR,
never in the database, and expire with their timeout like any cache entry.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class SharedFileCache(FileBasedCache):
    # FileBasedCache's own private helpers (django-stubs does not declare them)
    _dir: str
    _createdir: Any
    _list_cache_files: Any
    _is_expired: Any
    _delete: Any

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self._createdir()
        with open(os.path.join(self._dir, "counters.lock"), "a+b") as handle:
            locks.lock(handle, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(handle)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        with self._lock():
            return super().add(key, value, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        with self._lock():
            return super().incr(key, delta, version)

    def _cull(self) -> None:
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        alive = []
        for name in filelist:
            try:
                with open(name, "rb") as handle:
                    if not self._is_expired(handle):  # an expired entry deletes itself here
                        alive.append(name)
            except FileNotFoundError:
                pass
        if len(alive) >= self._max_entries and self._cull_frequency:
            for name in random.sample(alive, len(alive) // self._cull_frequency):
                self._delete(name)
