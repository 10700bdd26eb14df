"""Helpers for bench/ scripts that need Django (a throw-away database, timing)."""
from __future__ import annotations

import os
import statistics
import tempfile
import time


def setup_django(*, fresh_sqlite: bool = True) -> None:
    """Set Django up for a benchmark.

    With DATABASE_URL set (PostgreSQL), that database is used as it is; otherwise a
    fresh SQLite file in a temporary folder, migrated, so runs never touch var/.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    os.environ.setdefault("TUIJIN_TESTING", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")  # the test client's host
    if fresh_sqlite and not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="tuijin-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def median_ms(fn, *, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
