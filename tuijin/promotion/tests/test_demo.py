"""Huai'an's demo: the seed's 49 new signed projects of ≥1亿元 (280.63亿元) and 10 foreign-funded (57.7亿元) come out
of the funnel, and every unit's dispatch figure is the ledger's count (they used to disagree: 钵池街道 filed 7)."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from tuijin.core.models import Zone
from tuijin.core.scope import SYSTEM
from tuijin.indicators.dispatch import dispatch_table
from tuijin.projects.models import Project
from tuijin.promotion import selectors
from tuijin.promotion.models import Capital, Lead

pytestmark = pytest.mark.django_db


def test_huaian_signed_projects_come_out_of_the_funnel(db):
    call_command("demo", verbosity=0)
    zone = Zone.objects.get(code="huaian")
    signed = Project.objects.filter(zone=zone, signed_actual__year=2023, signed_actual__month__lte=6,
                                    planned_investment__gte=10000)
    assert signed.count() == 49 and signed.filter(lead__isnull=True).count() == 0
    leads = Lead.objects.filter(zone=zone)
    assert leads.filter(stage="dropped").exists() and leads.filter(stage="talks").exists()
    assert leads.filter(stage__in=("capital", "started")).exists() and Capital.objects.filter(zone=zone).exists()
    assert leads.filter(project__is_foreign=True, currency="USD").count() == 10
    assert all(x.talks_on <= x.signed_on for x in leads.filter(project__isnull=False))
    rows = dispatch_table(member=SYSTEM, zone=zone, year=2023, month=6)
    by = {(r.unit_id, r.indicator_code): r for r in rows}
    total = next(r for r in rows if r.is_zone and r.indicator_code == "new_projects_100m")
    assert (total.actual_ytd, total.source, total.complete) == (49, "ledger", True)
    foreign = next(r for r in rows if r.is_zone and r.indicator_code == "new_foreign_projects_investment")
    assert foreign.actual_ytd == Decimal("57.7")
    per_unit = Counter(signed.values_list("unit_id", flat=True))
    for uid, n in per_unit.items():
        assert by[(uid, "new_projects_100m")].actual_ytd == n
    funnel = selectors.funnel(member=SYSTEM, zone=zone, year=2023)
    assert funnel["all"]["stages"][2]["count"] >= 1 and funnel["units"] and funnel["sources"]
