"""Data versions: a cached computation is served only while nothing it reads has changed."""
from decimal import Decimal

import pytest

from tuijin.core.cache import Rows, table_version


@pytest.mark.django_db
def test_table_version_follows_adds_changes_and_deletes_of_its_rows_only(world):
    from tuijin.core.scope import SYSTEM
    from tuijin.org.models import Unit
    from tuijin.org.services import unit_create

    def v():
        return table_version(Rows(Unit, zone=world.zone_a.pk, kind=(Unit.Kind.STREET, Unit.Kind.DEPARTMENT)))

    first = v()
    assert v() == first
    world.street2.group = "B档"
    world.street2.save()
    changed = v()
    assert changed != first
    world.office_unit.name = "党政办"  # not a street or department: not in the set
    world.office_unit.save()
    assert v() == changed
    extra = unit_create(member=SYSTEM, zone=world.zone_a, name="新街道", kind=Unit.Kind.STREET)
    added = v()
    assert added != changed
    extra.delete()
    assert v() == changed  # the same rows as before it was added: what was computed then still holds
    assert table_version(Rows(Unit, zone=world.zone_a.pk, kind=())) == table_version(Rows(Unit, zone=-1))


@pytest.mark.django_db
def test_dispatch_version_ignores_later_months_and_follows_earlier_ones(world):
    from tuijin.indicators import dispatch
    from tuijin.indicators.models import Actual, Indicator
    from tuijin.indicators.services import catalogue_install

    catalogue_install(zone=world.zone_a)
    ind = Indicator.objects.filter(zone=world.zone_a, rollup=Indicator.Rollup.SUM).first()

    def file(month):
        Actual.objects.create(zone=world.zone_a, unit=world.street1, indicator=ind, year=2023, month=month,
                              ytd=Decimal(100 * month))

    june = dispatch.version(world.zone_a, 2023, 6)
    file(7)
    assert dispatch.version(world.zone_a, 2023, 6) == june  # July's filing leaves June's cache alone
    file(5)
    assert dispatch.version(world.zone_a, 2023, 6) != june  # May's is read by June's expected figures
