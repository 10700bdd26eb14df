"""The permission matrix: who sees and changes which units and members, by page and API."""
import pytest

from tuijin.org.models import Member, Unit


@pytest.mark.django_db
class TestRestrict:
    def test_street_staff_sees_only_own_unit(self, world):
        seen = set(Unit.objects.restrict(world.staff1).values_list("name", flat=True))
        assert seen == {"钵池街道"}

    def test_office_sees_whole_zone_only(self, world):
        seen = set(Unit.objects.restrict(world.office).values_list("zone__code", flat=True))
        assert seen == {"za"}
        assert Unit.objects.restrict(world.office).count() == 4

    def test_all_zones_member_sees_every_zone(self, world):
        seen = set(Unit.objects.restrict(world.admin).values_list("zone__code", flat=True))
        assert seen == {"za", "zb"}

    def test_subtree_scope(self, world):
        m = world.staff1
        m.scope = Member.Scope.SUBTREE
        m.unit = world.office_unit
        assert Unit.objects.restrict(m).count() == 4

    def test_leader_reads_but_cannot_change(self, world):
        assert Unit.objects.restrict(world.leader).count() == 4
        assert Unit.objects.restrict(world.leader, "change").count() == 0

    def test_no_member_sees_nothing(self, world):
        assert Unit.objects.restrict(None).count() == 0
