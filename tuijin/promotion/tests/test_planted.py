"""Planted markup in every free-text field of 招商 (a lead's name, investor, who brought it, a visit's summary, a drop
reason, the note of capital) is shown as text on every promotion page, its Excel export and the API, for every
role — the site-wide walk (core/tests/test_planted_script.py) plants the same records."""
from __future__ import annotations

import pytest

from tuijin.core.tests.test_planted_script import (PAGE_ROUTES, ROLES, Audit, _member, _path_kwargs,  # noqa: F401
                                                   planted, shown_as_text)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_promotion_pages_show_planted_text_as_text(role, world, planted):  # noqa: F811
    member = _member(world, role)
    kwargs = _path_kwargs(planted, world)
    audit = Audit(member)
    for route in [r for r in PAGE_ROUTES if (r.name or "").startswith("promotion:")]:
        for kw in kwargs.get(route.name, [{}]) if route.kwargs else [{}]:
            url = "/" + route.template.format(**kw)
            for params in ({}, {"format": "xlsx"}, {"q": "线索"}, {"year": "2023"}):
                audit.get(url, params)
    api = Audit(member, api_token=True)
    for lead in planted.leads:
        api.get(f"/api/v1/leads/{lead.pk}/")
    api.get("/api/v1/leads/")
    api.get("/api/v1/capital/")
    audit.assert_clean()
    api.assert_clean()
    everything = "\n".join(audit.seen_html.values())
    if role in ("office", "admin", "staff1"):
        assert shown_as_text(everything, planted.texts["线索"]) and shown_as_text(everything, planted.texts["洽谈"])
    if role in ("office", "admin", "staff2"):
        assert shown_as_text(everything, planted.texts["放弃"])
