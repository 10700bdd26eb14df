"""Backup and restore of a whole instance: the database and the stored files in one archive.

    tuijin backup --out FILE.tar.gz     SQLite through its online backup API (a consistent copy while the site runs),
                                        PostgreSQL through pg_dump (custom format); every file of the default storage
    tuijin restore FILE.tar.gz [--force]

The archive (tar.gz) holds ``manifest.json`` (format, database engine, every table's row count, the SHA-256 of every
member), the database and ``files/<stored name>``. A restore checks the whole archive before it changes anything
(a truncated or altered archive is refused with the reason), refuses a target that already holds data unless
``--force``, then loads the database and the files and checks every table's row count against the manifest.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext as _

FORMAT = "tuijin-backup"
VERSION = 1
MANIFEST = "manifest.json"
# Tables a fresh, migrated instance already fills by itself: they do not make a target "not empty".
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_session", "sqlite_sequence"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in the user's words."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def table_counts() -> dict[str, int]:
    """Every table of the database (Django's and every app's) with its row count."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)
                if not n.startswith("sqlite_")}
    finally:
        con.close()


def stored_files(storage=None, folder: str = "") -> list[str]:
    """Every file name in the storage (the local folder or an S3 bucket alike), walked through the storage API."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{f}" if folder else f for f in files]
    for d in dirs:
        names += stored_files(storage, f"{folder}/{d}" if folder else d)
    return sorted(names)


def files_checksum(storage=None) -> dict[str, str]:
    storage = storage or default_storage
    out = {}
    for name in stored_files(storage):
        with storage.open(name, "rb") as f:
            out[name] = _sha256(f.read())
    return out


def _pg_env() -> tuple[dict, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": str(db.get("USER") or ""), "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}, db["NAME"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("%(tool)s was not found: install the PostgreSQL client tools (Debian: apt-get install "
                            "postgresql-client) to back up or restore a PostgreSQL database.") % {"tool": name})
    return path


def _dump_database(folder: Path) -> str:
    if engine() == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # SQLite's online backup: consistent while others write
        finally:
            dest.close()
        return target.name
    if engine() == "postgresql":
        target = folder / "database.pgdump"
        env, name = _pg_env()
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file", str(target),
                               name], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(_("pg_dump failed: %(reason)s") % {"reason": done.stderr.strip()[-500:]})
        return target.name
    raise BackupError(_("Backups support SQLite and PostgreSQL databases only."))


def backup(out: str | Path) -> dict:
    """Write the archive; returns the manifest."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="tuijin-backup-") as tmp:
        folder = Path(tmp)
        db_name = _dump_database(folder)
        # the row counts of the copy itself (SQLite), so writes after it do not make the check differ
        tables = _sqlite_counts(folder / db_name) if engine() == "sqlite" else table_counts()
        members = {db_name: _sha256((folder / db_name).read_bytes())}
        files = {}
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / db_name, arcname=db_name)
            for name in stored_files():
                with default_storage.open(name, "rb") as f:
                    data = f.read()
                member = f"files/{name}"
                info = tarfile.TarInfo(member)
                info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                members[member] = files[name] = _sha256(data)
            manifest = {"format": FORMAT, "version": VERSION, "created": dt.datetime.now(dt.UTC).isoformat(),
                        "engine": engine(), "database": db_name, "tables": tables, "files": files,
                        "members": members}
            raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(raw), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(raw))
        partial.replace(out)  # a backup interrupted midway never leaves a file that looks complete
    return manifest


def _corrupt(reason: str) -> BackupError:
    return BackupError(_("The backup file is damaged or incomplete (%(reason)s); nothing was changed.")
                       % {"reason": reason})


def read_archive(path: str | Path, into: Path) -> dict:
    """Check the whole archive and unpack it into ``into``; returns the manifest. Raises BackupError."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No such backup file: %(path)s") % {"path": path})
    seen: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for info in tar:
                name = info.name
                if not info.isfile() or name.startswith("/") or ".." in Path(name).parts:
                    raise _corrupt(_("unexpected entry %(name)s") % {"name": name})
                data = tar.extractfile(info).read()
                seen[name] = _sha256(data)
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _corrupt(type(exc).__name__ + (f": {exc}" if str(exc) else "")) from exc
    if MANIFEST not in seen:
        raise _corrupt(_("no manifest"))
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _corrupt(_("unreadable manifest")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This is not a tuijin backup file."))
    if manifest.get("version") != VERSION:
        raise BackupError(_("This backup was written by another version (%(v)s); it cannot be restored here.")
                          % {"v": manifest.get("version")})
    for name, digest in manifest.get("members", {}).items():
        if seen.get(name) != digest:
            raise _corrupt(_("%(name)s is missing or altered") % {"name": name})
    return manifest


def data_tables() -> dict[str, int]:
    """Tables of the target holding rows of their own (not what a fresh migrate writes)."""
    return {t: n for t, n in table_counts().items() if n and t not in BOOKKEEPING}


def _load_database(folder: Path, manifest: dict) -> None:
    source = folder / manifest["database"]
    if manifest["engine"] == "sqlite":
        connection.close()
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(connection.connection)  # replaces every page of the target database at once
        finally:
            src.close()
        connection.close()
        return
    env, name = _pg_env()
    done = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
                           "--single-transaction", "--exit-on-error", "--dbname", name, str(source)],
                          env=env, capture_output=True, text=True)
    connection.close()
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed: %(reason)s") % {"reason": done.stderr.strip()[-500:]})


def restore(path: str | Path, *, force: bool = False) -> dict:
    """Bring this instance to the state of the archive; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="tuijin-restore-") as tmp:
        folder = Path(tmp)
        manifest = read_archive(path, folder)
        if manifest["engine"] != engine():
            raise BackupError(_("This backup holds a %(theirs)s database; this instance uses %(ours)s. Restore it "
                                "into an instance of the same kind.") % {"theirs": manifest["engine"],
                                                                         "ours": engine()})
        if not force:
            holding = data_tables()
            existing = stored_files()
            if holding or existing:
                raise BackupError(_("The target instance is not empty (%(what)s): restore into a fresh instance, or "
                                    "add --force to replace everything in it.") % {
                    "what": "、".join([*list(holding)[:5], *([_("stored files")] if existing else [])])})
        _load_database(folder, manifest)
        for name in stored_files():
            if name not in manifest["files"]:
                default_storage.delete(name)
        for name in manifest["files"]:
            data = (folder / "files" / name).read_bytes()
            default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(_("The file %(name)s could not be stored under its own name.") % {"name": name})
    cache.clear()  # computations kept by data version must not outlive the data they were computed from
    counts = table_counts()
    differ = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
    if differ:
        raise BackupError(_("Restored, but these tables do not have the rows of the backup: %(tables)s")
                          % {"tables": "、".join(differ[:10])})
    return manifest
