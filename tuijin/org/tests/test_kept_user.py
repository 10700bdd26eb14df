"""The signed-in user with their member, unit and zone, kept per process (org.backends.MemberBackend): a copy
is served only while the rows are unchanged; any change is seen on the next request."""
import pytest

from tuijin.org.backends import _KEPT, MemberBackend
from tuijin.org.models import Member
from tuijin.org.services import member_set_active, member_update, unit_update


@pytest.fixture(autouse=True)
def _nothing_kept():
    _KEPT.clear()
    yield
    _KEPT.clear()


def _read(member):
    return MemberBackend().get_user(member.user.pk)


def test_a_kept_user_costs_one_plain_query_and_is_a_copy(world, django_assert_num_queries):
    first = _read(world.staff1)
    first.member.unit.name = "改在内存里"
    first.member.tag = "一次请求的东西"
    with django_assert_num_queries(1):
        again = _read(world.staff1)
    assert again is not first and again.member is not first.member
    assert again.member.unit.name == "钵池街道" and not hasattr(again.member, "tag")
    assert again.member.zone == world.zone_a


@pytest.mark.parametrize("change", ["role", "unit", "unit name", "zone name", "password", "inactive user",
                                    "user name"])
def test_every_change_is_read_on_the_next_request(world, change):
    _read(world.staff1)
    staff = Member.objects.get(pk=world.staff1.pk)
    if change == "role":
        member_update(member=world.office, target=staff, role=Member.Role.LEADER, scope=Member.Scope.ZONE)
        assert _read(world.staff1).member.role == Member.Role.LEADER
    elif change == "unit":
        member_update(member=world.office, target=staff, unit=world.street2)
        assert _read(world.staff1).member.unit.name == "枚乘街道"
    elif change == "unit name":
        unit_update(member=world.office, unit=world.street1, name="钵池街道办事处")
        assert _read(world.staff1).member.unit.name == "钵池街道办事处"
    elif change == "zone name":
        world.zone_a.name = "甲国家级经济技术开发区"
        world.zone_a.save()
        assert _read(world.staff1).member.zone.name == "甲国家级经济技术开发区"
    elif change == "password":
        user = staff.user
        user.set_password("a-new-Passw0rd")
        user.save()
        assert _read(world.staff1).check_password("a-new-Passw0rd")
    elif change == "inactive user":
        member_set_active(member=world.office, target=staff, active=False)
        assert _read(world.staff1) is None
    elif change == "user name":
        user = staff.user
        user.username = "t_staff1_renamed"
        user.save()
        assert _read(world.staff1).username == "t_staff1_renamed"


def test_a_removed_user_or_a_bad_id_is_nobody(world):
    _read(world.staff_b)
    assert MemberBackend().get_user("abc") is None
    assert MemberBackend().get_user(10 ** 12) is None


def test_pages_follow_a_change_made_while_signed_in(world, client_for):
    """End to end: a street member's page, the office disables the account, the next page signs them out."""
    c = client_for(world.staff1)
    assert c.get("/tickets/").status_code == 200
    assert c.get("/tickets/").status_code == 200  # served from the kept copy
    member_set_active(member=world.office, target=Member.objects.get(pk=world.staff1.pk), active=False)
    r = c.get("/tickets/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
