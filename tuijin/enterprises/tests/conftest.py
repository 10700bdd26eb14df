from decimal import Decimal

import pytest

from tuijin.enterprises.services import enterprise_save, enterprise_year_save
from tuijin.enterprises.uscc import make_code


def code(n: int, region: str = "320800") -> str:
    """A valid code of an enterprise (91…), different for each ``n``."""
    return make_code("9", "1", region, f"{n:09d}")


@pytest.fixture
def enterprises(world):
    """Two enterprises of zone A (钵池街道's and 枚乘街道's) with 2022 figures, and one of zone B."""
    e1 = enterprise_save(member=world.office, zone=world.zone_a, credit_code=code(1), name="澄川精密机械有限公司",
                         unit=world.street1, industry="通用设备制造业", land_area=Decimal("120.5"))
    e2 = enterprise_save(member=world.office, zone=world.zone_a, credit_code=code(2), name="翊衡新材料科技有限公司",
                         unit=world.street2, industry="新材料")
    eb = enterprise_save(member=world.office_b, zone=world.zone_b, credit_code=code(3), name="乙区企业有限公司",
                         unit=world.street_b)
    enterprise_year_save(member=world.office, enterprise=e1, year=2022, revenue=Decimal(12500), tax=Decimal(640),
                         output=Decimal(13000), employees=320, above_scale=True)
    enterprise_year_save(member=world.office, enterprise=e2, year=2022, revenue=Decimal(1800), tax=Decimal(60))
    enterprise_year_save(member=world.office_b, enterprise=eb, year=2022, revenue=Decimal(50000))
    for e in (e1, e2, eb):
        e.refresh_from_db()
    return e1, e2, eb
