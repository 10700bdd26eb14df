"""Computations kept in the shared cache until the data they read changes.

A *data version* is the latest ``updated`` and the row count of every table a computation reads, filtered to
its zone (and period); any save, delete or bulk write changes it. Bulk writes must set ``updated`` (Django's
``bulk_update`` leaves ``auto_now`` alone). Several web workers share the cache (settings.CACHES), so one
worker's computation serves all.

    version = data_version(Actual.objects.filter(zone=zone, year=2023), Target.objects.filter(zone=zone))
    rows = cached("dispatch", zone.pk, 2023, 6, version=version, compute=lambda: ...)
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

T = TypeVar("T")
TIMEOUT = 3600


def data_version(*querysets) -> str:
    """A short fingerprint that changes whenever a row of any of the querysets is added, changed or removed."""
    parts = [qs.aggregate(m=Max("updated"), n=Count("id")) for qs in querysets]
    return hashlib.sha1("|".join(f"{p['m']}/{p['n']}" for p in parts).encode()).hexdigest()[:20]


def cached(*key: object, version: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    name = "tuijin:" + ":".join(str(k) for k in key) + ":" + version
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout=timeout)
    return value
