"""Pages, API answers and exports are never stored by browsers or proxies; HTML and JSON are compressed; the
cache is one store shared by every web worker."""
import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[3]


def no_store(r) -> bool:
    return "no-store" in r.get("Cache-Control", "")


@pytest.mark.django_db
class TestNoStore:
    def test_pages(self, world, client_for):
        r = client_for(world.office).get("/org/units/")
        assert r.status_code == 200 and no_store(r) and "private" in r["Cache-Control"]

    def test_sign_in_page(self, world, client):
        assert no_store(client.get("/accounts/login/"))

    def test_api(self, world, api_for):
        r = api_for(world.office).get("/api/v1/units/")
        assert r.status_code == 200 and no_store(r)

    def test_exports(self, world, client_for):
        r = client_for(world.office).get("/exchange/targets/template/")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        assert no_store(r)

    def test_static_files_keep_their_cache(self, world, client):
        r = client.get("/static/tuijin/tuijin.css")
        assert r.status_code == 200 and not no_store(r)


@pytest.mark.django_db
class TestCompression:
    def test_html_is_gzipped(self, world, client_for):
        r = client_for(world.office).get("/org/units/", HTTP_ACCEPT_ENCODING="gzip")
        assert r["Content-Encoding"] == "gzip" and "Accept-Encoding" in r["Vary"]
        assert "钵池街道" in gzip.decompress(r.content).decode()

    def test_json_is_gzipped(self, world, api_for):
        r = api_for(world.office).get("/api/v1/units/", HTTP_ACCEPT_ENCODING="gzip")
        assert r["Content-Encoding"] == "gzip"

    def test_each_answer_differs_in_length_or_bytes(self, world, client_for):
        """BREACH: the CSRF token is masked anew and Django pads gzip with random bytes, so equal pages differ."""
        c = client_for(world.office)
        bodies = {c.get("/org/units/", HTTP_ACCEPT_ENCODING="gzip").content for _ in range(4)}
        assert len(bodies) == 4

    def test_office_files_are_not_gzipped_again(self, world, client_for):
        r = client_for(world.office).get("/exchange/targets/template/", HTTP_ACCEPT_ENCODING="gzip")
        assert "Content-Encoding" not in r

    def test_no_gzip_without_accept_encoding(self, world, client_for):
        assert "Content-Encoding" not in client_for(world.office).get("/org/units/")


def test_cache_is_shared_between_processes_and_isolated_in_tests(tmp_path):
    from django.core.cache import cache

    conf = settings.CACHES["default"]
    assert conf["BACKEND"] == "tuijin.core.cache.SharedCache"
    assert Path(conf["LOCATION"]) != settings.VAR_DIR / "cache"  # tests never touch the demo's cache
    cache.set("tuijin:shared-check", "甲", 60)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(TUIJIN_CACHE_DIR=conf["LOCATION"], TUIJIN_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    r = subprocess.run([sys.executable, "-m", "tuijin", "manage", "shell", "-c",
                        "from django.core.cache import cache; print(cache.get('tuijin:shared-check'))"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "甲", r.stdout + r.stderr


def test_the_default_cache_lives_under_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "TUIJIN_CACHE_DIR"}}
    env.update(TUIJIN_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    r = subprocess.run([sys.executable, "-m", "tuijin", "manage", "shell", "-c",
                        "from django.core.cache import cache; cache.set('k', 1); print('ok')"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "ok", r.stdout + r.stderr
    assert list((tmp_path / "cache").glob("*/cache.db"))  # diskcache: one SQLite file per shard


def test_shared_cache_keeps_its_connections_when_a_request_ends():
    """Django closes caches after every request; reopening diskcache's SQLite files each time cost more than the
    page's cache reads (core.cache.SharedCache)."""
    from django.core.cache import cache, close_caches

    for i in range(16):  # a key in every shard
        cache.set(f"tuijin:keep-{i}", i, 60)
    before = [getattr(shard._local, "con", None) for shard in cache._cache._shards]
    assert all(before)
    close_caches()
    assert [getattr(shard._local, "con", None) for shard in cache._cache._shards] == before
    assert cache.get("tuijin:keep-3") == 3


def test_static_addresses_are_kept_per_process(tmp_path, monkeypatch):
    """Production's static storage works out each file's hashed address once (core.storage.StaticStorage); what it
    keeps is what the manifest says, and a file missing from the manifest is still refused."""
    import json

    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    from tuijin.core.storage import StaticStorage

    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"paths": {"tuijin/a.css": "tuijin/a.0123456789ab.css"}, "version": "1.1", "hash": "x"}))
    storage = StaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("tuijin/a.css") == "/static/tuijin/a.0123456789ab.css"
    calls = []
    monkeypatch.setattr(ManifestStaticFilesStorage, "url", lambda self, name, force=False: calls.append(name))
    assert storage.url("tuijin/a.css") == "/static/tuijin/a.0123456789ab.css"
    assert calls == []  # kept, not worked out again
    monkeypatch.undo()
    with pytest.raises(ValueError):
        storage.url("tuijin/missing.css")
    with pytest.raises(ValueError):
        storage.url("tuijin/missing.css")  # a refusal is not kept as an address
