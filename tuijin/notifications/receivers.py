"""What the top bar's counts depend on: a save or delete of a figure, a ticket, a period or a unit bumps its zone's
generation and, when it can change a count, the acting member's own (``selectors.bump``): that member's next page
view recounts, the others' within a minute. Connected in ``AppConfig.ready``; the lower apps
know nothing of it."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save


# What anybody's counts depend on, per model: a save that changes none of these (a draft figure's value, a ticket's
# feedback time) cannot change a count, so the member who made it need not recount at once. Other models: always.
COUNTED_FIELDS = {
    "Actual": ("zone_id", "unit_id", "indicator_id", "year", "month", "state"),
    "Ticket": ("zone_id", "assignee_unit_id", "raised_unit_id", "state"),
}


def _may_change_counts(sender, instance, created: bool) -> bool:
    from tuijin.core.changelog import snapshot

    fields = COUNTED_FIELDS.get(sender.__name__)
    before = getattr(instance, "_changelog_before", None)  # the stored row before this save (core.changelog)
    if created or fields is None or before is None or any(f not in before for f in fields):
        return True
    after = snapshot(instance)
    return any(before.get(f) != after.get(f) for f in fields)


def _changed(sender, instance, created=True, **kwargs) -> None:
    """post_save (``created`` given) and post_delete (a delete always counts)."""
    from tuijin.core.context import current_actor
    from tuijin.notifications.selectors import bump

    zone_id = getattr(instance, "zone_id", None)
    if zone_id is not None:
        bump(zone_id, current_actor().user_id if _may_change_counts(sender, instance, created) else None)


def connect() -> None:
    from tuijin.core.models import FilingPeriod
    from tuijin.indicators.models import Actual
    from tuijin.org.models import Member, Unit
    from tuijin.tickets.models import Ticket

    for model in (Actual, Ticket, FilingPeriod, Unit, Member):
        post_save.connect(_changed, sender=model, dispatch_uid=f"notifications.badge.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"notifications.badge.delete.{model.__name__}")
