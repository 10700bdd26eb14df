"""Values worked out once per page for the rows a view lists (instead of per row in the template)."""
from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def choice_labels(choices) -> dict:
    """value → label in the current language, as ``get_FOO_display`` gives it."""
    return {value: str(label) for value, label in choices}


def link_for_ids(name: str) -> Callable[[int], str]:
    """The address of the view ``name`` for any id, reversed once (the rows' links without a reversal each)."""
    marker = 2147483647
    address = reverse(name, args=[marker])
    return lambda pk: address.replace(str(marker), str(pk))
