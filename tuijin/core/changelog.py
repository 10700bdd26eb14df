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
from django.db import models
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
    from tuijin.org.models import Zone

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
    ChangeLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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
