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


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TUIJIN_DEMO", "TUIJIN_TESTING", "SECRET_KEY"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", TUIJIN_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "tuijin", "manage", "check"], cwd=REPO, env=env,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_host(world, client_for):
    import re

    html = client_for(world.office).get("/org/units/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(not u.startswith(("http://", "https://", "//")) for u in urls), urls
