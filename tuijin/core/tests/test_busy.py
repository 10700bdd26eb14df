"""Concurrent writes: SQLite transactions start as writers (BEGIN IMMEDIATE) and wait on the busy timeout; a write
that still times out is "系统繁忙,请稍后重试" — 503 page in the site's layout, 503 JSON, or a CLI message — never a
500 or a traceback."""
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import ConnectionHandler, OperationalError

from tuijin.core.middleware import is_lock_timeout

REPO = Path(__file__).resolve().parents[3]
BUSY = "系统繁忙,请稍后重试"


@pytest.fixture
def sqlite_file_alias(tmp_path, django_db_blocker):
    """A database alias on a SQLite *file* with the project's SQLite options (the test DB is in memory)."""
    made = []

    def make(name="busy", **options):
        alias = f"busytest_{name}"
        conf = ConnectionHandler({"default": {
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "busy.sqlite3"),
            "OPTIONS": {**settings.SQLITE_OPTIONS, **options}, "CONN_MAX_AGE": 0}}).settings["default"]
        connections.settings[alias] = conf
        made.append(alias)
        return alias

    with django_db_blocker.unblock():
        yield make
    for alias in made:
        connections.settings.pop(alias, None)


def _run_threads(target, n):
    errors: list[BaseException] = []

    def run(i):
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 — collected and asserted on
            errors.append(exc)
        finally:
            for conn in connections.all(initialized_only=True):
                conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_concurrent_read_modify_write_transactions_queue_instead_of_failing(sqlite_file_alias):
    alias = sqlite_file_alias()
    with connections[alias].cursor() as c:
        c.execute("CREATE TABLE counter (id integer primary key, n integer)")
        c.execute("INSERT INTO counter VALUES (1, 0)")
    connections[alias].close()
    threads, rounds = 6, 15

    def writer(i):
        for _ in range(rounds):
            with transaction.atomic(using=alias):
                with connections[alias].cursor() as c:
                    c.execute("SELECT n FROM counter WHERE id = 1")
                    n = c.fetchone()[0]
                    time.sleep(0.001)  # another writer gets its chance to interleave
                    c.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])

    errors = _run_threads(writer, threads)
    assert not [e for e in errors if "database is locked" in str(e)], errors
    assert not errors, errors
    with connections[alias].cursor() as c:
        c.execute("SELECT n FROM counter WHERE id = 1")
        assert c.fetchone()[0] == threads * rounds  # no write lost either
        c.execute("PRAGMA journal_mode")
        assert c.fetchone()[0] == "wal"
    connections[alias].close()


def test_settings_open_sqlite_writes_immediately_with_a_busy_timeout():
    assert settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert settings.SQLITE_OPTIONS["timeout"] >= 5
    assert "journal_mode=WAL" in settings.SQLITE_OPTIONS["init_command"]
    if connections["default"].vendor == "sqlite":
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_real_sqlite_lock_timeout_is_recognised(sqlite_file_alias):
    holder, waiter = sqlite_file_alias("holder"), sqlite_file_alias("waiter", timeout=0.2)
    with connections[holder].cursor() as c:
        c.execute("CREATE TABLE t (x integer)")
    with transaction.atomic(using=holder):
        connections[holder].cursor().execute("INSERT INTO t VALUES (1)")
        started = time.monotonic()
        with pytest.raises(OperationalError) as exc:
            with transaction.atomic(using=waiter):
                connections[waiter].cursor().execute("INSERT INTO t VALUES (2)")
        assert time.monotonic() - started >= 0.15  # it waited for the busy timeout first
    connections[holder].close()
    connections[waiter].close()
    assert "database is locked" in str(exc.value)
    assert is_lock_timeout(exc.value)
    assert not is_lock_timeout(OperationalError("no such table: t"))
    assert not is_lock_timeout(ValueError("database is locked"))


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_lock_timeout_is_recognised():
    if connections["default"].vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL)")
    import psycopg

    from tuijin.core.models import Zone
    from tuijin.org.services import zone_create

    zone = zone_create(code="lk", name="锁测试开发区")
    conf = connections["default"].settings_dict
    holder = psycopg.connect(dbname=conf["NAME"], user=conf["USER"], host=conf["HOST"] or None,
                             port=conf["PORT"] or None, password=conf["PASSWORD"] or None)
    try:
        holder.execute(f"SELECT id FROM {Zone._meta.db_table} WHERE id = %s FOR UPDATE", [zone.pk])
        with pytest.raises(OperationalError) as exc:
            with transaction.atomic():
                connections["default"].cursor().execute("SET LOCAL lock_timeout = '100ms'")
                Zone.objects.filter(pk=zone.pk).update(name="改")
        assert is_lock_timeout(exc.value)
    finally:
        holder.rollback()
        holder.close()
    assert "lock_timeout" in settings.DATABASES["default"]["OPTIONS"]["options"]


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
class TestReported:
    def test_page_answers_503_in_the_site_layout(self, world, client_for, monkeypatch):
        from tuijin.org import services

        monkeypatch.setattr(services, "unit_update", _locked)
        r = client_for(world.office).post(f"/org/units/{world.street2.pk}/", {
            "name": "枚乘街道", "kind": "street", "parent": world.office_unit.pk, "sort_order": 1})
        html = r.content.decode()
        assert r.status_code == 503 and BUSY in html and "tj-navbar" in html
        assert r["Retry-After"] and "no-store" in r["Cache-Control"]

    def test_api_answers_503_json(self, world, api_for, monkeypatch):
        from tuijin.org import services

        monkeypatch.setattr(services, "unit_update", _locked)
        r = api_for(world.office).patch(f"/api/v1/units/{world.street2.pk}/", {"group": "B档"}, format="json")
        assert r.status_code == 503 and r.json() == {"detail": BUSY}

    def test_a_lock_timeout_outside_the_view_is_busy_too(self, world, client_for, monkeypatch):
        """The operation log is written by middleware, after the view: handler500 reports it as busy."""
        from tuijin.core.models import OperationLog

        monkeypatch.setattr(OperationLog.objects, "create", _locked)
        c = client_for(world.office)
        c.raise_request_exception = False
        r = c.post("/zone/", {"zone": world.zone_a.pk})
        assert r.status_code == 503 and BUSY in r.content.decode()

    def test_other_errors_stay_500(self, world, client_for, monkeypatch):
        from tuijin.org import services

        def broken(**kwargs):
            raise OperationalError("no such table: org_unit")

        monkeypatch.setattr(services, "unit_update", broken)
        c = client_for(world.office)
        c.raise_request_exception = False
        r = c.post(f"/org/units/{world.street2.pk}/", {"name": "枚乘街道", "kind": "street", "sort_order": 1})
        assert r.status_code == 500


def test_cli_says_busy_instead_of_a_traceback(tmp_path):
    """A second writer from the command line while another holds the database: a message and exit code 75."""
    db = tmp_path / "cli.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x integer)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=f"sqlite:///{db}", TUIJIN_VAR_DIR=str(tmp_path), TUIJIN_DB_LOCK_TIMEOUT="1")
    code = ("from django.db import connection, transaction\n"
            "with transaction.atomic():\n"
            "    connection.cursor().execute('INSERT INTO t VALUES (2)')\n")
    try:
        r = subprocess.run([sys.executable, "-m", "tuijin", "manage", "shell", "-c", code], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 75, r.stdout + r.stderr
    assert BUSY in r.stderr and "Traceback" not in r.stderr
