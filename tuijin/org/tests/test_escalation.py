"""Nobody grants a role or a scope above their own; nobody touches a member above their own.

Order: roles staff < leader < office < admin; scopes unit < subtree < zone < all. The rule lives in
org.services, so the members page and the API refuse the same things.
"""
import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token

from tuijin.core.scope import SYSTEM
from tuijin.org import services
from tuijin.org.models import Member

PASSWORD = "Zx!9tuijinpass"


def fresh(m):
    return Member.objects.select_related("user").get(pk=m.pk)


@pytest.mark.django_db
class TestService:
    def test_office_cannot_create_an_admin(self, world):
        from django.contrib.auth import get_user_model

        with pytest.raises(PermissionDenied) as exc:
            services.member_create(member=world.office, username="boss", password=PASSWORD, unit=world.street1,
                                   role="admin", scope="unit")
        assert "角色" in str(exc.value)
        assert not get_user_model().objects.filter(username="boss").exists()

    def test_office_cannot_raise_staff_to_admin(self, world):
        with pytest.raises(PermissionDenied):
            services.member_update(member=world.office, target=world.staff1, role="admin")
        assert fresh(world.staff1).role == "staff"

    def test_office_cannot_demote_the_system_admin(self, world):
        with pytest.raises(PermissionDenied) as exc:
            services.member_update(member=world.office, target=world.admin, scope="zone", role="staff")
        assert "高于" in str(exc.value)
        admin = fresh(world.admin)
        assert (admin.role, admin.scope) == ("admin", "all")

    def test_office_cannot_rename_a_member_above_them(self, world):
        with pytest.raises(PermissionDenied):
            services.member_update(member=world.office, target=world.admin, full_name="改名")
        assert fresh(world.admin).full_name == ""

    def test_scope_above_own_is_refused(self, world):
        sub_office = services.member_create(member=SYSTEM, username="sub", password=PASSWORD, unit=world.office_unit,
                                            role="office", scope="subtree")
        with pytest.raises(PermissionDenied) as exc:
            services.member_update(member=sub_office, target=world.staff1, scope="zone")
        assert "数据范围" in str(exc.value)
        # and a member whose scope (zone) is wider than the subtree office's own is out of reach
        with pytest.raises(PermissionDenied):
            services.member_update(member=sub_office, target=world.leader, title="主任")

    def test_office_may_grant_up_to_its_own_level(self, world):
        m = services.member_update(member=world.office, target=world.staff1, role="office", scope="zone")
        assert (m.role, m.scope) == ("office", "zone")
        m = services.member_update(member=world.office, target=world.leader, title="副主任")
        assert m.title == "副主任"

    def test_system_and_admin_may_grant_everything(self, world):
        m = services.member_update(member=SYSTEM, target=world.staff1, role="admin", scope="all")
        assert (m.role, m.scope) == ("admin", "all")
        m = services.member_update(member=world.admin, target=world.office, role="staff", scope="unit")
        assert (m.role, m.scope) == ("staff", "unit")

    def test_office_cannot_disable_or_reset_the_admin(self, world):
        with pytest.raises(PermissionDenied):
            services.member_set_active(member=world.office, target=world.admin, active=False)
        with pytest.raises(PermissionDenied):
            services.member_reset_password(member=world.office, target=world.admin, password=PASSWORD)
        admin = fresh(world.admin)
        assert admin.user.is_active and admin.user.check_password("tuijin2026")

    def test_disable_and_reset_below_revoke_tokens(self, world):
        Token.objects.create(user=world.staff1.user)
        services.member_set_active(member=world.office, target=world.staff1, active=False)
        assert not fresh(world.staff1).user.is_active and not Token.objects.filter(user=world.staff1.user).exists()
        Token.objects.create(user=world.staff2.user)
        services.member_reset_password(member=world.office, target=world.staff2, password=PASSWORD)
        m = fresh(world.staff2)
        assert m.must_change_password and m.user.check_password(PASSWORD)
        assert not Token.objects.filter(user=world.staff2.user).exists()

    def test_staff_and_leader_change_nobody(self, world):
        for actor in (world.staff1, world.leader):
            with pytest.raises(PermissionDenied):
                services.member_update(member=actor, target=world.staff2, title="x")


@pytest.mark.django_db
class TestPage:
    def test_form_offers_only_grantable_roles_and_scopes(self, world, client_for):
        html = client_for(world.office).get("/org/members/new/").content.decode()
        assert 'value="office"' in html and 'value="zone"' in html
        assert 'value="admin"' not in html and 'value="all"' not in html

    def test_posting_admin_role_is_refused(self, world, client_for):
        from django.contrib.auth import get_user_model

        r = client_for(world.office).post("/org/members/new/", {
            "username": "boss", "full_name": "老板", "unit": world.street1.pk, "role": "admin", "scope": "unit",
            "mode": "type", "password": PASSWORD})
        assert r.status_code == 200
        assert "角色" in r.context["form"].errors["role"][0]
        assert not get_user_model().objects.filter(username="boss").exists()


@pytest.mark.django_db
class TestApi:
    def test_office_cannot_grant_admin(self, world, api_for):
        r = api_for(world.office).patch(f"/api/v1/members/{world.staff1.pk}/", {"role": "admin"}, format="json")
        assert r.status_code == 403 and "角色" in r.json()["detail"]
        assert fresh(world.staff1).role == "staff"

    def test_office_cannot_demote_the_admin(self, world, api_for):
        r = api_for(world.office).patch(f"/api/v1/members/{world.admin.pk}/", {"scope": "zone", "role": "staff"},
                                        format="json")
        assert r.status_code == 403
        admin = fresh(world.admin)
        assert (admin.role, admin.scope) == ("admin", "all")

    def test_office_cannot_disable_or_reset_the_admin(self, world, api_for):
        api = api_for(world.office)
        assert api.patch(f"/api/v1/members/{world.admin.pk}/", {"is_active": False},
                         format="json").status_code == 403
        r = api.post(f"/api/v1/members/{world.admin.pk}/reset-password/", {"password": PASSWORD}, format="json")
        assert r.status_code == 403
        admin = fresh(world.admin)
        assert admin.user.is_active and admin.user.check_password("tuijin2026")

    def test_office_changes_a_member_below(self, world, api_for):
        api = api_for(world.office)
        r = api.patch(f"/api/v1/members/{world.staff1.pk}/", {"role": "leader", "scope": "zone"}, format="json")
        assert r.status_code == 200, r.content
        assert (r.json()["role"], r.json()["scope"]) == ("leader", "zone")
        r = api.patch(f"/api/v1/members/{world.staff2.pk}/", {"is_active": False}, format="json")
        assert r.status_code == 200 and r.json()["is_active"] is False
        r = api.post(f"/api/v1/members/{world.staff1.pk}/reset-password/", {"password": PASSWORD}, format="json")
        assert r.status_code == 204
        assert fresh(world.staff1).must_change_password

    def test_members_are_not_created_through_the_api(self, world, api_for):
        r = api_for(world.office).post("/api/v1/members/", {"role": "staff"}, format="json")
        assert r.status_code == 405


@pytest.mark.django_db
def test_nobody_changes_their_own_role_scope_or_unit(world, api_for, client_for):
    """A zone's only office demoting itself would leave nobody to manage its members: another office member or the
    administrator changes one's role, scope or unit. The same refusal on the API and the members form; one's name,
    title and phone stay one's own to change, and a form that posts one's role unchanged is accepted."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.member_update(member=world.office, target=world.office, role="leader")
    assert "不能修改自己的角色" in str(exc.value)
    r = api_for(world.office).patch(f"/api/v1/members/{world.office.pk}/", {"role": "staff"}, format="json")
    assert r.status_code == 400 and "不能修改自己的角色" in r.content.decode(), r.content
    r = api_for(world.office).patch(f"/api/v1/members/{world.office.pk}/", {"scope": "unit"}, format="json")
    assert r.status_code == 400, r.content
    r = api_for(world.office).patch(f"/api/v1/members/{world.office.pk}/", {"unit": world.street1.pk}, format="json")
    assert r.status_code == 400, r.content
    me = fresh(world.office)
    assert (me.role, me.scope, me.unit_id) == ("office", "zone", world.office_unit.pk)
    r = api_for(world.office).patch(f"/api/v1/members/{world.office.pk}/", {"title": "主任", "role": "office"},
                                    format="json")
    assert r.status_code == 200, r.content
    assert fresh(world.office).title == "主任"
    services.member_update(member=world.admin, target=world.office, role="leader")  # the administrator may
    assert fresh(world.office).role == "leader"
