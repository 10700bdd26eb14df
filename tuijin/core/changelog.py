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
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

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
    for name in getattr(instance, "changelog_extra", {}):  # values kept elsewhere (a member's account enabled)
        data[name] = _json_value(getattr(instance, name))
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
        # by its key alone: a model's default order (a ticket's starts with its zone's code) would join and sort
        old = sender._base_manager.filter(pk=instance.pk).order_by().first()
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


# ---------------------------------------------------------------- the history as people read it

# What was done, as the history reads it ("updated" alone is also the name of the time stamp field).
ACTIONS = {"create": pgettext_lazy("change history", "created"), "update": pgettext_lazy("change history", "changed"),
           "delete": pgettext_lazy("change history", "deleted")}
SOURCES = {"web": _l("web page"), "api": _l("API"), "cli": _l("command line"), "demo": _l("demo data"),
           "system": _l("system")}


def source_label(source: str) -> str:
    """Where a change came from, in words (web → 网页)."""
    return str(SOURCES.get(source, source or ""))


def _shown(field) -> bool:
    """Fields a reader of the history is told about: not the id, the zone, time stamps or derived columns."""
    return not (field.primary_key or field.name == "zone" or not field.editable
                or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _related_names(model, rows) -> dict:
    """{(attname, id): str(record)} for every foreign key value in ``rows``, one query per foreign key."""
    wanted: dict[str, set] = {}
    fields = {f.attname: f for f in model._meta.concrete_fields if f.is_relation and _shown(f)}
    for row in rows:
        for data in (row.before or {}, row.after or {}):
            for attname, value in data.items():
                if attname in fields and value is not None:
                    wanted.setdefault(attname, set()).add(value)
    names = {}
    for attname, ids in wanted.items():
        target = fields[attname].related_model
        for obj in target._base_manager.filter(pk__in=ids):
            names[(attname, obj.pk)] = str(obj)
    return names


def _value(field, value, names) -> str:
    from django.utils.translation import gettext as _

    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get((field.attname, value)) or _("(deleted record)")
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.JSONField):
        return _("(data)")
    if isinstance(field, models.DateTimeField):
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(str(value))
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment and moment.tzinfo else str(value)
    if isinstance(field, models.DecimalField):
        try:
            return f"{decimal.Decimal(str(value)).normalize():f}"
        except decimal.InvalidOperation:
            return str(value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def describe(rows) -> list:
    """Give each change-log row ``described``: [(field label, before, after, is data)] in words for the fields a
    reader is told about (labels for field names, 是/否 for booleans, choice labels, the related record's name for a
    foreign key) and ``source_label``. Rows of a model that no longer exists keep their stored names."""
    rows = list(rows)
    by_type: dict = {}
    for row in rows:
        by_type.setdefault(row.content_type_id, []).append(row)
    for group in by_type.values():
        _describe_group(group[0].content_type.model_class(), group)
    return rows


class HistoryRow:
    """One change of a record's history as its page shows it (``history_rows``), read as plain values: a record
    page needs no ChangeLog instance, user or content type per row."""

    __slots__ = ("time", "username", "source", "action", "before", "after", "source_label", "action_label",
                 "described")

    def __init__(self, time, username, source, action, before, after):
        self.time, self.username, self.source, self.action, self.before, self.after = (
            time, username, source, action, before, after)

    def changes(self) -> list[tuple[str, object, object]]:
        from tuijin.core.models import ChangeLog

        return ChangeLog.changes(self)  # the one definition of what differs


def history_rows(instance: models.Model, limit: int = 50) -> list[HistoryRow]:
    """The change history of one record, newest first, described (``describe``) for its page: one query on the
    change log alone (its content type is the record's; the user's name is kept on the row)."""
    from tuijin.core.models import ChangeLog

    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    rows = [HistoryRow(*values) for values in ChangeLog.objects.filter(content_type=ct, object_id=instance.pk)
            .order_by("-time", "-id").values_list("time", "username", "source", "action", "before", "after")[:limit]]
    if rows:
        _describe_group(ct.model_class(), rows)
    return rows


def _describe_group(model, group) -> None:
    """``describe`` for rows of one model (None: a model that no longer exists)."""
    fields = {f.attname: f for f in model._meta.concrete_fields if _shown(f)} if model else {}
    names = _related_names(model, group) if model else {}
    extra = getattr(model, "changelog_extra", {}) if model else {}
    for row in group:
        row.source_label = source_label(row.source)
        row.action_label = str(ACTIONS.get(row.action, row.action))
        row.described = []
        for attname, before, after in row.changes():
            if row.action == "create" and after in (None, ""):
                continue  # a new record's empty fields say nothing
            if attname in extra:
                row.described.append((str(extra[attname]), _plain(before), _plain(after), False))
                continue
            field = fields.get(attname)
            if model is not None and field is None:
                continue
            if field is None:
                row.described.append((attname, before, after, True))
            else:
                row.described.append((str(field.verbose_name), _value(field, before, names),
                                      _value(field, after, names), _is_data(field)))


def _plain(value) -> str:
    from django.utils.translation import gettext as _

    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "—" if value is None or value == "" else str(value)


def _is_data(field) -> bool:
    """A value people typed or a record's name (shown as it is), not a word of the interface (是/否, a choice)."""
    return not (field.choices or isinstance(field, (models.BooleanField, models.JSONField)))
