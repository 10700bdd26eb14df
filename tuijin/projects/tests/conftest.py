import datetime as dt
from decimal import Decimal

import pytest

from tuijin.projects.services import project_create


@pytest.fixture
def projects(world):
    """Two projects of 钵池街道 (one lagging), one of 枚乘街道, one in zone B."""
    make = dict(category="industry", planned_investment=Decimal(20000), year_planned_investment=Decimal(5000))
    p1 = project_create(member=world.office, zone=world.zone_a, code="P001", name="华瑞新能源项目", unit=world.street1,
                        signed_actual=dt.date(2023, 2, 1), started_planned=dt.date(2023, 4, 1),
                        started_actual=dt.date(2023, 4, 5), completed_planned=dt.date(2024, 6, 1), **make)
    p2 = project_create(member=world.office, zone=world.zone_a, code="P002", name="恒信智造项目", unit=world.street1,
                        signed_actual=dt.date(2023, 3, 1), started_planned=dt.date(2023, 5, 1), is_foreign=True, **make)
    p3 = project_create(member=world.office, zone=world.zone_a, code="P003", name="枚乘邻里中心", unit=world.street2,
                        signed_actual=dt.date(2023, 1, 10), **dict(make, category="social"))
    p4 = project_create(member=world.office_b, zone=world.zone_b, code="B001", name="乙区项目", unit=world.street_b, **make)
    return p1, p2, p3, p4
