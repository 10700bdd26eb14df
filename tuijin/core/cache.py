"""Computations kept in the shared cache until the data they read changes.

A *data version* is the latest ``updated`` and the row count of every table a computation reads, filtered to
its zone (and period); any save, delete or bulk write changes it. Bulk writes must set ``updated`` (Django's
``bulk_update`` leaves ``auto_now`` alone). Several web workers share the cache (settings.CACHES), so one
worker's computation serves all.

    version = data_version(Actual.objects.filter(zone=zone, year=2023), Target.objects.filter(zone=zone))
    rows = cached("dispatch", zone.pk, 2023, 6, version=version, compute=lambda: ...)

``table_version(Rows(Actual, zone=zone.pk, year=2023), ...)`` is the same check in one query, for the pages
opened most.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from diskcache import DjangoCache
from django.core.cache import cache
from django.db.models import Count, Max

T = TypeVar("T")
TIMEOUT = 3600


def data_version(*querysets) -> str:
    """A short fingerprint that changes whenever a row of any of the querysets is added, changed or removed."""
    parts = [qs.aggregate(m=Max("updated"), n=Count("id")) for qs in querysets]
    return hashlib.sha1("|".join(f"{p['m']}/{p['n']}" for p in parts).encode()).hexdigest()[:20]


class Rows:
    """The rows of ``model`` whose own columns equal the given values (a list or tuple: one of them; a ``Rows``: the
    ids it selects), for ``table_version``: ``Rows(Actual, zone=3, year=(2023, 2022))``. ``stamp_column``: what
    changes with every write, for a table without ``updated`` that is only ever added to (the change log: its id)."""

    def __init__(self, model, stamp_column: str = "updated", **where):
        self.model, self.where, self.stamp_column = model, where, stamp_column

    def sql(self, quote, params: list, what: str) -> str:
        meta, conds = self.model._meta, []
        for name, value in self.where.items():
            column = quote(meta.get_field(name).column)
            if isinstance(value, Rows):
                conds.append(f"{column} IN ({value.sql(quote, params, quote(value.model._meta.pk.column))})")
            elif isinstance(value, (list, tuple)):
                if not value:
                    conds.append("1 = 0")
                    continue
                conds.append(f"{column} IN ({', '.join(['%s'] * len(value))})")
                params.extend(value)
            elif value is None:
                conds.append(f"{column} IS NULL")
            else:
                conds.append(f"{column} = %s")
                params.append(value)
        return f"SELECT {what} FROM {quote(meta.db_table)}" + (f" WHERE {' AND '.join(conds)}" if conds else "")


def table_version(*parts: Rows) -> str:
    """``data_version`` of row sets given by plain column filters, read in one query.

    The pages that are opened most (dispatch, cockpit) check several tables on every view; through the ORM each
    check costs a query's construction, which took longer than the computation's cache read. Same fingerprint
    rule: the latest ``updated`` and the count of every set."""
    from django.db import connection

    quote, params, selects = connection.ops.quote_name, [], []
    for i, part in enumerate(parts):
        # as text: a UNION's columns share one type on PostgreSQL, and a stamp is a time or an id
        selects.append(part.sql(quote, params, f"{i}, CAST(MAX({quote(part.stamp_column)}) AS TEXT), COUNT(*)"))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = sorted(cursor.fetchall())
    return hashlib.sha1("|".join(f"{m}/{n}" for _i, m, n in rows).encode()).hexdigest()[:20]


def cached(*key: object, version: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    name = "tuijin:" + ":".join(str(k) for k in key) + ":" + version
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout=timeout)
    return value


def fragment_key(request, *versions: object) -> str:
    """What a rendered fragment of a page (``{% cache TIMEOUT "name" fragment_key %}``) varies on: who sees it (the
    member, whose last change covers its role, scope and unit, and the zone shown), the language, the page's address
    with all its parameters, and the data versions given. A fragment is never served to another member or for other
    data; it must hold nothing that changes per request (no CSRF token, no messages)."""
    from django.utils import translation

    member, zone = getattr(request, "member", None), getattr(request, "zone", None)
    who = (member.pk, str(member.updated), member.role, member.scope, member.unit_id, member.zone_id) \
        if member is not None else None
    where = (zone.pk, str(zone.updated)) if zone is not None else None
    params = sorted((k, tuple(v)) for k, v in request.GET.lists())
    raw = repr((who, where, translation.get_language(), request.path, params, versions))
    return hashlib.sha1(raw.encode()).hexdigest()


class SharedCache(DjangoCache):
    """diskcache's Django backend (settings.CACHES), its SQLite connections kept between requests.

    Django closes every cache when a request finishes; for diskcache that closes and reopens each shard's connection
    (and re-reads its settings) on every page, which cost more than the page's cache reads."""

    def close(self, **kwargs):
        pass
