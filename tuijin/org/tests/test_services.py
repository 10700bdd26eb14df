import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.models import ChangeLog
from tuijin.core.scope import SYSTEM
from tuijin.org import services
from tuijin.org.models import Unit


@pytest.mark.django_db
class TestUnitTree:
    def test_move_under_own_descendant_is_refused(self, world):
        child = services.unit_create(member=SYSTEM, zone=world.zone_a, name="社区一", kind="street",
                                     parent=world.street1)
        before = ChangeLog.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.unit_update(member=world.office, unit=world.street1, parent=child)
        assert "下级" in str(exc.value) or "descendant" in str(exc.value)
        world.street1.refresh_from_db()
        assert world.street1.parent_id == world.office_unit.pk
        assert ChangeLog.objects.count() == before

    def test_move_reroots_subtree(self, world):
        child = services.unit_create(member=SYSTEM, zone=world.zone_a, name="社区一", kind="street",
                                     parent=world.street1)
        services.unit_update(member=world.office, unit=world.street1, parent=world.dept)
        child.refresh_from_db()
        assert child.path == f"{world.dept.path}{world.street1.pk}/{child.pk}/"

    def test_parent_in_other_zone_is_refused(self, world):
        with pytest.raises(ValidationError):
            services.unit_update(member=world.admin, unit=world.street1, parent=world.street_b)

    def test_staff_cannot_add_units(self, world):
        with pytest.raises(PermissionDenied):
            services.unit_create(member=world.staff1, zone=world.zone_a, name="x", kind="street")
        assert not Unit.objects.filter(name="x").exists()


@pytest.mark.django_db
class TestMembers:
    def test_member_without_unit_is_refused(self, world):
        from django.contrib.auth import get_user_model

        with pytest.raises(ValidationError) as exc:
            services.member_create(member=world.office, username="nounit", password="Zx!9tuijinpass", unit=None,
                                   role="staff", scope="unit")
        assert "单位" in str(exc.value) or "unit" in str(exc.value)
        assert not get_user_model().objects.filter(username="nounit").exists()

    def test_weak_password_is_refused_and_nothing_created(self, world):
        from django.contrib.auth import get_user_model

        with pytest.raises(ValidationError):
            services.member_create(member=world.office, username="weak", password="123", unit=world.street1,
                                   role="staff", scope="unit")
        assert not get_user_model().objects.filter(username="weak").exists()

    def test_office_cannot_grant_all_zones(self, world):
        with pytest.raises(PermissionDenied):
            services.member_create(member=world.office, username="p", password="Zx!9tuijinpass",
                                   unit=world.street1, role="staff", scope="all")

    def test_office_of_other_zone_cannot_place_member_here(self, world):
        with pytest.raises(PermissionDenied):
            services.member_create(member=world.office_b, username="p2", password="Zx!9tuijinpass",
                                   unit=world.street1, role="staff", scope="unit")


@pytest.mark.django_db
def test_change_history_keeps_before_and_after(world):
    from tuijin.core.changelog import history_for
    from tuijin.core.context import Actor, acting_as

    with acting_as(Actor(user_id=world.office.user.pk, username="t_office", source="web")):
        services.unit_update(member=world.office, unit=world.street1, name="钵池街道办事处")
    entry = history_for(world.street1).first()
    assert entry.action == "update" and entry.username == "t_office"
    assert ("name", "钵池街道", "钵池街道办事处") in entry.changes()
