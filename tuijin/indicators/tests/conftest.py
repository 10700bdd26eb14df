from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators.services import catalogue_install


@pytest.fixture
def cat(world):
    """Zone A's catalogue, keyed by code."""
    return {i.code: i for i in catalogue_install(zone=world.zone_a)}


@pytest.fixture
def filed(world, cat):
    """2023 targets and 1—6月 figures for both streets of zone A (approved), and 2022 for last year."""
    from tuijin.indicators.services import actual_save, target_set

    rev = cat["general_budget_revenue"]
    target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("20"))
    target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("10"),
               unit=world.street1)
    target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("9"),
               unit=world.street2)
    for unit, v23, v22 in ((world.street1, "5.6", "4.0"), (world.street2, "3.0", "3.5")):
        actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2022, month=6, ytd=Decimal(v22), approved=True)
        actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2023, month=6, ytd=Decimal(v23), approved=True)
    tax = cat["tax_revenue"]
    actual_save(member=SYSTEM, unit=world.street1, indicator=tax, year=2023, month=6, ytd=Decimal("5.2"),
                approved=True)
    actual_save(member=SYSTEM, unit=world.street2, indicator=tax, year=2023, month=6, ytd=Decimal("2.7"),
                approved=True)
    return cat
