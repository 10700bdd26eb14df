"""An id or a year that is no number never breaks a page or the API (docs/security.md, "Parameters"): the probe's
requests, each answered without a server error and with nothing stored.

The values: "²" (a digit to ``str.isdigit()``, no number to ``int()``), text, "1.5", an empty value, and 25 digits
(more than SQLite's INTEGER holds: ``pk__in`` raised OverflowError). Every one of them once reached the database
or ``int()`` unparsed; ``core.params.parse_id`` / ``parse_ids`` / ``parse_int`` read them now.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

BIG_ID = "9" * 25
SUP = "²"


@pytest.fixture
def posted(world):
    """Zone A as of 2023-08-08 with its indicator catalogue and a target of 枚乘街道 (which has filed nothing, so July
    cannot be locked without a reason for it), and a key task of 钵池街道 with a milestone."""
    from tuijin.campaigns import services as campaigns
    from tuijin.core.models import Zone
    from tuijin.indicators.services import catalogue_install, target_set

    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    world.zone_a.refresh_from_db()
    exports = next(i for i in catalogue_install(zone=world.zone_a) if i.code == "exports")
    target_set(member=world.office, zone=world.zone_a, indicator=exports, year=2023, value=8, unit=world.street2)
    camp = campaigns.campaign_create(member=world.office, zone=world.zone_a, year=2023, theme="项目攻坚年")
    task = campaigns.key_task_create(member=world.office, campaign=camp, title="项目攻坚突破", lead_unit=world.street1,
                                     milestones=[("完成方案编制", "2023-03-31")])
    return {"task": task.pk}


def _stored():
    """What a refused request must leave as it was: the change history (every data write is in it) and the
    period locks (a lock is a write too)."""
    from tuijin.core.models import ChangeLog, FilingPeriod

    return ChangeLog.objects.count(), list(FilingPeriod.objects.filter(locked=True).values_list("pk", flat=True))


# (role, path, body): the probe's POSTs, and the same pattern found elsewhere (standing leads, claims, import).
POSTS = [
    *[("office", "/zone/", {"zone": v}) for v in ("abc", "", "1.5", SUP)],
    *[("street", "/campaigns/", {"task": v, "progress": "5"}) for v in ("abc", "", "1.5", SUP)],
    ("street", "/campaigns/tasks/{task}/", {"action": "done", "milestone": SUP}),
    *[("street", "/tickets/new/", {"title": "催办", "project": v}) for v in ("abc", "1.5", SUP, BIG_ID)],
    ("street", "/tickets/new/", {"title": "催办", "enterprise_record": BIG_ID}),
    ("street", "/tickets/", {"ids": BIG_ID, "action": "acknowledge"}),
    ("office", "/enterprises/kept/", {"action": "remove", "kept": SUP}),
    *[("office", "/enterprises/kept/", {"enterprise": v, "target_revenue": "100"}) for v in ("abc", BIG_ID)],
    *[("office", "/indicators/review/?period=2023-07", {"period": "2023-07", "action": "approve", "unit": v})
      for v in (SUP, BIG_ID)],
    ("office", "/indicators/review/?period=2023-07", {"period": "2023-07", "action": "lock", f"reason_{SUP}": "x"}),
    ("office", "/standing/results/delete/", {"result": SUP}),
    ("office", "/standing/leads/", {"lead_utilized_fdi": SUP}),
    ("office", "/assessment/schemes/preview/", {"preview_year": SUP}),
    ("office", "/assessment/claims/", {"action": "verify", "claim": SUP}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, path, body", POSTS, ids=[f"{p} {b}" for _r, p, b in POSTS])
def test_a_posted_value_that_is_no_id_is_refused(world, posted, client_for, role, path, body):
    from tuijin.core.scope import SESSION_ZONE_KEY

    c = client_for(world.office if role == "office" else world.staff1)
    zone_before = c.session.get(SESSION_ZONE_KEY)
    before = _stored()
    r = c.post(path.format(**posted), body)
    assert r.status_code < 500
    assert _stored() == before
    assert c.session.get(SESSION_ZONE_KEY) == zone_before


@pytest.mark.django_db
def test_an_import_option_that_is_no_year(world, client_for):
    from tuijin.enterprises.models import Enterprise

    upload = SimpleUploadedFile("企业.csv", "统一社会信用代码,企业名称\n".encode())
    r = client_for(world.office).post("/exchange/enterprises/import/", {"file": upload, "option_year": SUP * 4})
    assert r.status_code == 200 and "年度应为" in r.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("action", ["advance", "drop", "visits"])
def test_a_lead_whose_id_is_no_number_is_not_found(world, api_for, action):
    before = _stored()
    r = api_for(world.office).post(f"/api/v1/leads/{quote(SUP)}/{action}/", {"stage": "talks"}, format="json")
    assert r.status_code == 404 and _stored() == before


# (role, address, status): the probe's addresses; a page opens (its default year, the value ignored) or answers
# 404 for a record that cannot be, the API answers 400 naming the parameter.
GETS = [
    *[("office", f"/enterprises/{p}?year={SUP * 4}", 200)
      for p in ("", "big/", "above-scale/", "candidates/", "kept/", "service/", "mujun/")],
    ("office", f"/enterprises/?unit={SUP}", 200),
    ("office", f"/api/v1/enterprises/?unit={SUP}", 400),
    ("office", f"/api/v1/enterprises/?min_revenue=1&year={SUP * 4}", 400),
    ("office", f"/api/v1/published-results/?year={SUP * 4}", 400),
    ("office", f"/api/v1/standing/?year={SUP * 4}", 400),
    ("office", f"/standing/lists/?assessment={SUP}", 200),
    ("office", f"/projects/sponsored/?leader={SUP}", 404),
    *[("street", f"/tickets/new/?{k}={SUP}", 200) for k in ("project", "task", "enterprise", "progress")],
    ("street", f"/tickets/suggest-unit/?project={SUP}", 200),
    ("office", f"/exchange/projects/import/?job={SUP}", 404),
    ("office", f"/assessment/schemes/build/?rows={SUP}", 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, url, status", GETS, ids=[u for _r, u, _s in GETS])
def test_an_address_whose_number_is_no_number(world, client_for, api_for, role, url, status):
    member = world.office if role == "office" else world.staff1
    r = (api_for if url.startswith("/api/") else client_for)(member).get(url)
    assert r.status_code == status
    if status == 400:
        assert all(v[0].startswith(f"参数「{k}」") for k, v in r.json().items())
