"""Demo: each zone's channels and schedule (no robot addresses: a demo never posts outside), and in Huai'an a
催报 of the month being filed and a 催办 of the overdue tickets, so the streets find messages waiting."""
from __future__ import annotations

import random

from django.core.exceptions import ValidationError

from tuijin.core.periods import current_period
from tuijin.core.scope import SYSTEM
from tuijin.notifications import services


def build(*, zones: dict, rng: random.Random) -> None:
    for code, zone in zones.items():
        services.channels_save(member=SYSTEM, zone=zone, filing_day=5, reminder_days=2, run_hour=9)
    zone = zones.get("huaian")
    if zone is None:
        return
    year, month = current_period(zone)
    for send in (lambda: services.filing_reminder_send(member=SYSTEM, zone=zone, year=year, month=month,
                                                       note="请于截止日前完成填报并报送审核"),
                 lambda: services.ticket_reminder_send(member=SYSTEM, zone=zone, note="请抓紧办理并及时反馈")):
        try:
            send()
        except ValidationError:
            continue  # nobody to remind
