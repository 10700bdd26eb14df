"""Uploads waiting for their confirmation, kept in the default storage (shared by every server and the worker)
under a random token bound to the member and the zone."""
from __future__ import annotations

import json
import re
import secrets
import time

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.translation import gettext as _

KEEP_SECONDS = 3600  # an upload waits this long for its confirmation
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


STORE = "imports"  # uploads waiting for their confirmation, in the default storage (shared by every server)


def name_of(token: str, suffix: str) -> str:
    return f"{STORE}/{token}.{suffix}"


def purge_uploads(now: float | None = None) -> int:
    """Forget uploads nobody confirmed in time; returns how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    try:
        names = default_storage.listdir(STORE)[1]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            age = now - default_storage.get_modified_time(f"{STORE}/{name}").timestamp()
        except (FileNotFoundError, OSError):
            continue
        if age > KEEP_SECONDS:
            forget(name[:-len(".json")])
            removed += 1
    return removed


def save_upload(*, member, zone, name: str, data: bytes, filename: str, suffix: str = "bin",
                options: dict | None = None, rows: int = 0) -> str:
    """Keep a file for a later request (any server's) or the worker, under a random token bound to the member and
    zone; ``rows`` is how many data rows its check found (a large import is confirmed in the background)."""
    purge_uploads()
    token = secrets.token_urlsafe(24)
    default_storage.save(name_of(token, suffix), ContentFile(data))
    meta = json.dumps({"member": member.pk, "name": name, "filename": filename, "zone": zone.pk,
                       "time": time.time(), "options": options or {}, "rows": rows}, ensure_ascii=False)
    default_storage.save(name_of(token, "json"), ContentFile(meta.encode("utf-8")))
    return token


def read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as f:
            return f.read()
    except (FileNotFoundError, OSError):
        return None


def load_upload(token: str, *, member, zone, suffix: str = "bin") -> tuple[dict, bytes]:
    """The file kept under ``token`` and what was recorded with it; only for the member and zone it was kept for."""
    if not TOKEN.fullmatch(token or ""):
        raise Http404()
    raw_meta, data = read(name_of(token, "json")), read(name_of(token, suffix))
    if raw_meta is None or data is None:
        raise Http404(_("The uploaded file has expired; please upload it again."))
    meta = json.loads(raw_meta.decode("utf-8"))
    if meta["member"] != member.pk or meta["zone"] != zone.pk:
        raise PermissionDenied()
    if time.time() - meta["time"] > KEEP_SECONDS:
        raise Http404(_("The uploaded file has expired; please upload it again."))
    return meta, data


def forget(token: str) -> None:
    for suffix in ("json", "bin", "xlsx"):
        default_storage.delete(name_of(token, suffix))
