"""What the top bar's counts depend on: a save or delete of a figure, a ticket, a period or a unit bumps its zone's
generation and the acting member's own (``selectors.bump``): that member's next page view recounts, the others'
within a minute. Connected in ``AppConfig.ready``; the lower apps
know nothing of it."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _changed(sender, instance, **kwargs) -> None:
    from tuijin.core.context import current_actor
    from tuijin.notifications.selectors import bump

    zone_id = getattr(instance, "zone_id", None)
    if zone_id is not None:
        bump(zone_id, current_actor().user_id)


def connect() -> None:
    from tuijin.core.models import FilingPeriod
    from tuijin.indicators.models import Actual
    from tuijin.org.models import Member, Unit
    from tuijin.tickets.models import Ticket

    for model in (Actual, Ticket, FilingPeriod, Unit, Member):
        post_save.connect(_changed, sender=model, dispatch_uid=f"notifications.badge.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"notifications.badge.delete.{model.__name__}")
