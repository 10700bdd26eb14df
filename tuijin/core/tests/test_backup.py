"""tuijin backup / restore: the demo backed up, restored into a new database, every table's row count and every
stored file's checksum compared; a non-empty target, a truncated and an altered archive refused with nothing
changed; on PostgreSQL too where pg_dump and a server are there."""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FILES = {"tickets/2023/06/验收单.pdf": b"%PDF-1.4 demo", "bulletins/2023/huaian-2023-06.docx": b"PK\x03\x04 demo"}


def _env(var: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIJIN_", "DATABASE_URL", "PYTEST"))}
    return {**env, "TUIJIN_VAR_DIR": str(var), "DEBUG": "0", **extra}


def _tuijin(env, *args):
    return subprocess.run([sys.executable, "-m", "tuijin", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def _ok(done):
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _counts(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names
                if not n.startswith("sqlite_")}
    finally:
        con.close()


def _files(media: Path) -> dict:
    return {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(media.rglob("*")) if p.is_file()}


SAVE_FILES = ("from django.core.files.storage import default_storage as s; "
              "from django.core.files.base import ContentFile; "
              + "; ".join(f"s.save({k!r}, ContentFile({v!r}))" for k, v in FILES.items()))


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory):
    """The demo (with stored files) backed up once."""
    var = tmp_path_factory.mktemp("backup-source")
    env = _env(var)
    _ok(_tuijin(env, "manage", "migrate", "--noinput", "-v", "0"))
    _ok(_tuijin(env, "demo"))
    _ok(_tuijin(env, "manage", "shell", "-c", SAVE_FILES))
    archive = var / "backup.tar.gz"
    out = _ok(_tuijin(env, "backup", "--out", str(archive)))
    assert "已备份" in out.stdout and archive.exists() and not archive.with_name("backup.tar.gz.partial").exists()
    return var, archive


def test_restore_brings_a_new_instance_to_the_same_state(demo_backup, tmp_path):
    source, archive = demo_backup
    target = tmp_path / "target"
    env = _env(target)
    out = _ok(_tuijin(env, "restore", str(archive)))  # a brand-new instance: not even migrated
    assert "已从" in out.stdout
    before, after = _counts(source / "tuijin.sqlite3"), _counts(target / "tuijin.sqlite3")
    assert before == after and before["org_zone"] >= 5 and before["projects_project"] > 0
    assert _files(target / "media") == _files(source / "media") and set(FILES) <= set(_files(source / "media"))
    # the restored instance works: it migrates (nothing to do) and answers a command
    _ok(_tuijin(env, "manage", "migrate", "--check"))
    _ok(_tuijin(env, "dispatch", "--zone", "huaian", "--period", "2023-06", "--format", "json"))

    # a target that holds data is refused unless --force, and left as it was
    again = _tuijin(env, "restore", str(archive))
    assert again.returncode != 0 and "不是空的" in again.stderr and "--force" in again.stderr
    _ok(_tuijin(env, "restore", str(archive), "--force"))
    assert _counts(target / "tuijin.sqlite3") == before


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A fresh, migrated instance holding one stored file of its own (copied by each test)."""
    var = tmp_path_factory.mktemp("backup-migrated")
    _ok(_tuijin(_env(var), "manage", "migrate", "--noinput", "-v", "0"))
    (var / "media" / "keep").mkdir(parents=True)
    (var / "media" / "keep" / "me.txt").write_bytes(b"mine")
    return var


@pytest.mark.parametrize("damage", ["truncated", "altered", "not-gzip", "foreign", "missing"])
def test_a_damaged_archive_is_refused_and_nothing_changes(demo_backup, migrated, tmp_path, damage):
    source, archive = demo_backup
    target = tmp_path / "target"
    shutil.copytree(migrated, target)
    env = _env(target)
    before_rows, before_files = _counts(target / "tuijin.sqlite3"), _files(target / "media")
    bad = tmp_path / "bad.tar.gz"
    data = archive.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "altered":  # a stored file changed inside an otherwise well-formed archive
        with tarfile.open(archive, "r:gz") as src, tarfile.open(bad, "w:gz") as dst:
            for info in src:
                content = src.extractfile(info).read()
                if info.name.endswith(".docx"):
                    content = content + b"!"
                    info.size = len(content)
                import io

                dst.addfile(info, io.BytesIO(content))
    elif damage == "not-gzip":
        bad.write_bytes(b"this is not a backup")
    elif damage == "foreign":
        bad.write_bytes(gzip.compress(b"\x00" * 1024))
    else:
        bad = tmp_path / "nowhere.tar.gz"
    out = _tuijin(env, "restore", str(bad), "--force")
    assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
    assert ("未做任何改动" in out.stderr) or ("不存在" in out.stderr and damage == "missing"), out.stderr
    assert _counts(target / "tuijin.sqlite3") == before_rows and _files(target / "media") == before_files


def _pg_ready() -> bool:
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        return False
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "select 1"], capture_output=True,
                          timeout=20).returncode == 0


@pytest.mark.skipif(not _pg_ready(), reason="pg_dump/pg_restore or a PostgreSQL server at 127.0.0.1 not available")
def test_postgresql_backup_and_restore(tmp_path):
    names = ("tj_y3_backup_src", "tj_y3_backup_dst")
    for name in names:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"],
                       capture_output=True, check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
                       capture_output=True, check=True)
    try:
        src = _env(tmp_path / "src", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{names[0]}")
        dst = _env(tmp_path / "dst", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{names[1]}")
        _ok(_tuijin(src, "manage", "migrate", "--noinput", "-v", "0"))
        _ok(_tuijin(src, "demo"))
        _ok(_tuijin(src, "manage", "shell", "-c", SAVE_FILES))
        archive = tmp_path / "pg.tar.gz"
        _ok(_tuijin(src, "backup", "--out", str(archive)))
        _ok(_tuijin(dst, "restore", str(archive)))
        count = ("from tuijin.core.backup import table_counts, files_checksum; import json; "
                 "print(json.dumps([table_counts(), files_checksum()], sort_keys=True))")
        a = _ok(_tuijin(src, "manage", "shell", "-c", count)).stdout.strip().splitlines()[-1]
        b = _ok(_tuijin(dst, "manage", "shell", "-c", count)).stdout.strip().splitlines()[-1]
        assert a == b
        refused = _tuijin(dst, "restore", str(archive))
        assert refused.returncode != 0 and "不是空的" in refused.stderr
    finally:
        for name in names:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"],
                           capture_output=True)
