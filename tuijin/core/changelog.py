"""Change history: who changed what, when, with the record before and after.

Saves and deletes of every ChangeLoggedModel are recorded through model signals
(wired in CoreConfig.ready). Bulk writes that bypass save() — imports — call
``record_bulk`` with the snapshots they already hold, so no change goes unseen.
"""
from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.fields.files import FieldFile

from tuijin.core.context import current_actor


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(instance: models.Model) -> dict:
    """The stored fields of a record as JSON-safe values, keyed by attname."""
    exclude = set(getattr(instance, "changelog_exclude", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude or f.attname in exclude:
            continue
        data[f.attname] = _json_value(getattr(instance, f.attname))
    return data


def _zone_id(instance) -> int | None:
    from tuijin.core.models import Zone

    if isinstance(instance, Zone):
        return instance.pk
    return getattr(instance, "zone_id", None)


def _entry(instance, action: str, before: dict | None, after: dict | None):
    from tuijin.core.models import ChangeLog

    actor = current_actor()
    return ChangeLog(
        user_id=actor.user_id,
        username=actor.username,
        source=actor.source,
        address=actor.address,
        request_id=actor.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        zone_id=_zone_id(instance),
        before=before,
        after=after,
    )


def record_bulk(entries: Iterable[tuple[models.Model, str, dict | None]]) -> int:
    """Record many changes at once: ``(instance, action, before_snapshot)`` each.

    ``action`` is "create", "update" or "delete"; ``before_snapshot`` is the
    ``snapshot()`` taken before the change (None for a create). The instance must
    hold its state after the change (and its pk). Returns the number recorded;
    updates that changed nothing are skipped.
    """
    from tuijin.core.models import ChangeLog

    rows = []
    for instance, action, before in entries:
        after = None if action == "delete" else snapshot(instance)
        if action == "update" and before == after:
            continue
        rows.append(_entry(instance, action, before, after))
    if connection.vendor == "sqlite" and rows:
        _sqlite_insert(rows)
    else:
        ChangeLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _sqlite_insert(rows) -> None:
    """Bulk-insert change-log rows with one executemany: an import of 10,000 records logs 10,000 changes, and
    Django's per-value SQL assembly would cost more than the import itself. Values are prepared as Django
    stores them on SQLite (UTC timestamps, hex UUIDs, JSON text)."""
    import json

    from django.utils import timezone

    from tuijin.core.models import ChangeLog

    now = timezone.now().astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    table = ChangeLog._meta.db_table
    cols = ["time", "user_id", "username", "source", "address", "request_id", "action", "content_type_id",
            "object_id", "object_repr", "zone_id", "before", "after"]
    dump = lambda v: None if v is None else json.dumps(v, ensure_ascii=False)  # noqa: E731
    values = [(now, r.user_id, r.username, r.source, r.address, r.request_id.hex, r.action, r.content_type_id,
               r.object_id, r.object_repr, r.zone_id, dump(r.before), dump(r.after)) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                           f'VALUES ({", ".join(["%s"] * len(cols))})', values)


def _is_logged(sender) -> bool:
    from tuijin.core.models import ChangeLoggedModel

    return isinstance(sender, type) and issubclass(sender, ChangeLoggedModel)


def on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    instance._changelog_before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._changelog_before = snapshot(old) if old is not None else None


def on_post_save(sender, instance, created=False, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    before = None if created else getattr(instance, "_changelog_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    _entry(instance, "create" if created else "update", before, after).save()


def on_post_delete(sender, instance, **kwargs):
    if not _is_logged(sender):
        return
    _entry(instance, "delete", snapshot(instance), None).save()


def connect() -> None:
    models.signals.pre_save.connect(on_pre_save, dispatch_uid="tuijin_changelog_pre")
    models.signals.post_save.connect(on_post_save, dispatch_uid="tuijin_changelog_post")
    models.signals.post_delete.connect(on_post_delete, dispatch_uid="tuijin_changelog_del")


def history_for(instance: models.Model):
    from tuijin.core.models import ChangeLog

    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return ChangeLog.objects.filter(content_type=ct, object_id=instance.pk).select_related("user")
