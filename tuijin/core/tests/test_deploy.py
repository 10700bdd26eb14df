import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TUIJIN_DEMO", "TUIJIN_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SECRET_KEY="a-production-secret-" + "k" * 50, ALLOWED_HOSTS="zone.example.cn",
               DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", TUIJIN_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "tuijin", "manage", "check", "--deploy", "--fail-level", "WARNING"],
                       cwd=REPO, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def _settings_key(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tuijin", "manage", "shell", "-c",
                           "from django.conf import settings; print(settings.SECRET_KEY)"],
                          cwd=REPO, env=env, capture_output=True, text=True)


def test_commands_work_without_a_secret_in_the_environment(tmp_path):
    """After `make demo` every command works as written: a secret is made once, kept in var/ (0600), reused."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TUIJIN_DEMO", "TUIJIN_TESTING", "SECRET_KEY"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", TUIJIN_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "tuijin", "dispatch", "--help"], cwd=REPO, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "--period" in r.stdout
    kept = tmp_path / "secret_key"
    assert kept.stat().st_mode & 0o777 == 0o600
    first = _settings_key(env).stdout.split()[-1]
    assert first == kept.read_text().strip() and len(first) >= 50
    assert _settings_key(env).stdout.split()[-1] == first  # reused, not made anew


def test_the_environment_secret_wins(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TUIJIN_DEMO", "TUIJIN_TESTING"}}
    env.update(SECRET_KEY="from-the-environment-" + "s" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
               TUIJIN_VAR_DIR=str(tmp_path))
    assert _settings_key(env).stdout.split()[-1] == "from-the-environment-" + "s" * 50
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_host(world, client_for):
    import re

    html = client_for(world.office).get("/org/units/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(not u.startswith(("http://", "https://", "//")) for u in urls), urls


@pytest.mark.parametrize("prepare, expected", [(None, "True 5"), ("0", "None None")])
def test_postgresql_prepares_repeated_statements_unless_told_not_to(tmp_path, prepare, expected):
    """On PostgreSQL parameters are bound on the server and repeated statements prepared (planning cost more than
    running); TUIJIN_PG_PREPARE=0 turns it off for a pooler in transaction mode (docs/operations.md)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "TUIJIN_PG_PREPARE"}}
    env.update(TUIJIN_VAR_DIR=str(tmp_path), DATABASE_URL="postgres://nobody@127.0.0.1:5432/not_opened")
    if prepare is not None:
        env["TUIJIN_PG_PREPARE"] = prepare
    code = ("from tuijin import settings as s; o = s.DATABASES['default']['OPTIONS']; "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == expected, r.stdout + r.stderr


@pytest.mark.django_db(transaction=True)
def test_serve_leaves_no_connection_open_for_its_workers(monkeypatch):
    """`tuijin serve` migrates in the process gunicorn then forks its workers from: no connection may be open then,
    or every worker would talk over the same socket. (SQLite's in-memory test database is never really closed, so
    there the test sees the closing itself.)"""
    import gunicorn.app.wsgiapp
    from django.db import connection, connections

    from tuijin import cli

    seen, close_all = {}, connections.close_all

    def closing():
        seen["closed"] = True
        close_all()

    def run():
        seen["at run"] = (seen.pop("closed", False),
                          [c.alias for c in connections.all() if c.connection is not None]
                          if connection.vendor == "postgresql" else [])
        return 0

    monkeypatch.setattr(connections, "close_all", closing)
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", run)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert cli.serve(["--port", "0"]) == 0
    assert seen == {"at run": (True, [])}
