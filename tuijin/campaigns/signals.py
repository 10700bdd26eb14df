"""What the campaign asks the apps above it, without importing them.

``indicator_choices``: the indicators a stage goal may cover. The indicators app answers with ``(code, name)``
pairs of the zone's catalogue (arguments: ``zone``); the stage goal form lists them and the stage goal services
refuse a code none of them names.
"""
from django.dispatch import Signal

indicator_choices = Signal()


def indicators_of(zone) -> list[tuple[str, str]] | None:
    """The (code, name) pairs the apps above answer for ``zone``; None when no app answers (the check is skipped)."""
    answers = [pairs for _r, pairs in indicator_choices.send(sender=None, zone=zone) if pairs is not None]
    if not answers:
        return None
    return [pair for pairs in answers for pair in pairs]
