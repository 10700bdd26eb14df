"""The demo's enterprises: the seed's 41 enterprises of 1亿元 or more and 423亿元 of output in shifan, a handful in
Huai'an, every code valid."""
import random
from decimal import Decimal

import pytest
from django.db.models import Sum

from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM
from tuijin.enterprises import demo, selectors
from tuijin.enterprises.models import Enterprise, EnterpriseYear, KeptEnterprise
from tuijin.enterprises.uscc import problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones():
    from tuijin.org import demo as org_demo

    zones: dict = {}
    with acting_as(Actor(username="演示数据", source="demo")):
        org_demo.build(zones=zones, rng=random.Random("2026:org"))
        demo.build(zones=zones, rng=random.Random("2026:enterprises"))
    return zones


def test_shifan_as_the_seed_says(zones):
    shifan = zones["shifan"]
    assert selectors.big_enterprises(member=SYSTEM, zone=shifan, year=2022).count() == 41
    assert EnterpriseYear.objects.filter(zone=shifan, year=2022).aggregate(s=Sum("output"))["s"] == Decimal(4230000)
    count = Enterprise.objects.filter(zone=shifan).count()
    assert count > 100  # and a tail below 1亿元
    assert selectors.upgrade_candidates(member=SYSTEM, zone=shifan, year=2022).count() >= 5
    assert KeptEnterprise.objects.filter(zone=shifan, year=2023).count() == 10
    assert selectors.default_year(shifan) == 2022  # the zone is seen in October 2023: 2022 is its latest year
    # every big one but the few trade and logistics firms reports an industrial output; service firms report none
    assert not EnterpriseYear.objects.filter(zone=shifan, enterprise__industry__in=["批发和零售业",
                                                                                    "交通运输、仓储和邮政业"],
                                             output__isnull=False).exists()


def test_huaian_and_the_codes(zones):
    huaian = zones["huaian"]
    names = set(Enterprise.objects.filter(zone=huaian).values_list("name", flat=True))
    assert len(names) == 8 and set(demo.TICKET_NAMES) <= names
    assert Enterprise.objects.filter(zone=huaian, unit__name="钵池街道").count() == 2
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes)) and all(problem(c) is None for c in codes)


def test_deterministic(zones):
    again = random.Random("2026:enterprises")
    first = sorted(Enterprise.objects.filter(zone=zones["shifan"]).values_list("credit_code", flat=True))
    Enterprise.objects.all().delete()
    with acting_as(Actor(username="演示数据", source="demo")):
        demo.build(zones=zones, rng=again)
    assert sorted(Enterprise.objects.filter(zone=zones["shifan"]).values_list("credit_code", flat=True)) == first


def test_shifan_reviews_its_2022_in_the_whole_demo(db):
    """The full demo: shifan's 2022-12 dispatch says what its speech says, its enterprise service has rated requests
    (one 不满意, sent back), and its 亩均 evaluation leaves out the enterprise without land of its own."""
    from django.core.management import call_command

    from tuijin.core.models import Zone
    from tuijin.enterprises import mujun
    from tuijin.indicators.dispatch import dispatch_table, zone_row
    from tuijin.tickets.models import Ticket
    from tuijin.tickets.selectors import enterprise_service_stats_by_unit

    call_command("demo", verbosity=0)
    shifan = Zone.objects.get(code="shifan")
    rows = dispatch_table(member=SYSTEM, zone=shifan, year=2022, month=12, include_zone_row=True)
    assert zone_row(rows, "industrial_output").actual_ytd == Decimal("423.00")  # 亿元; not 531.73
    assert zone_row(rows, "deposits").actual_ytd > 200
    share = zone_row(rows, "tertiary_share")
    assert share.computed and Decimal(38) < share.actual_ytd < Decimal(40)  # 39.60%: just under 40%
    assert zone_row(rows, "gdp").actual_ytd == Decimal("612.00")
    assert selectors.big_enterprises(member=SYSTEM, zone=shifan, year=2022).count() == 41
    stats = enterprise_service_stats_by_unit(shifan, 2023)
    assert sum(s["received"] for s in stats) == 8 and sum(s["dissatisfied"] for s in stats) == 1
    reopened = Ticket.objects.get(zone=shifan, satisfaction="dissatisfied")
    assert reopened.state == "acknowledged" and reopened.reopen_count == 1 and reopened.enterprise_record_id
    ev = mujun.evaluate(member=SYSTEM, zone=shifan, year=2022)
    assert len(ev.excluded) == 1 and "用地面积为0" in ev.excluded[0][1]
    assert {r.group for r in ev.rows} == {"用地3亩及以上", "用地不足3亩"}
    assert all(r.last_class for r in ev.rows if r.group == "用地3亩及以上")  # 2021 classed too
