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
