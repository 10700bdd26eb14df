"""The indicators app's answers to the signals of the apps below it."""
from __future__ import annotations


def stage_goal_indicators(sender, *, zone, **kwargs) -> list[tuple[str, str]]:
    """The zone's indicators a stage goal may cover (campaigns.signals.indicator_choices): every indicator with a
    code, main ones first."""
    from tuijin.indicators.models import Indicator

    return [(code, name) for code, name in Indicator.objects.filter(zone=zone).order_by("-is_main", "sort_order", "id")
            .values_list("code", "name")]
