"""Pages and API: a street's staff can neither read nor change another street's records;
a member who sees all zones sees every zone; a token of one zone opens nothing in another."""
import pytest

from tuijin.org.models import Unit


@pytest.mark.django_db
class TestPages:
    def test_staff_reads_own_unit_page(self, world, client_for):
        r = client_for(world.staff1).get(f"/org/units/{world.street1.pk}/")
        assert r.status_code == 200 and "钵池街道" in r.content.decode()

    def test_staff_cannot_read_other_street(self, world, client_for):
        r = client_for(world.staff1).get(f"/org/units/{world.street2.pk}/")
        assert r.status_code == 404

    def test_unit_list_shows_only_own_unit(self, world, client_for):
        html = client_for(world.staff1).get("/org/units/").content.decode()
        assert "钵池街道" in html and "枚乘街道" not in html and "经济发展局" not in html

    def test_staff_cannot_change_a_unit_by_page(self, world, client_for):
        r = client_for(world.staff1).post(f"/org/units/{world.street1.pk}/", {"name": "改名", "kind": "street",
                                                                                "sort_order": 0})
        assert r.status_code == 403
        assert Unit.objects.get(pk=world.street1.pk).name == "钵池街道"

    def test_office_changes_unit_and_history_shows_it(self, world, client_for):
        c = client_for(world.office)
        r = c.post(f"/org/units/{world.street2.pk}/", {"name": "枚乘街道", "kind": "street", "group": "A档",
                                                       "parent": world.office_unit.pk, "sort_order": 3})
        assert r.status_code == 302
        html = c.get(f"/org/units/{world.street2.pk}/").content.decode()
        assert "change-history" in html and "A档" in html and "t_office" in html

    def test_anonymous_is_sent_to_sign_in(self, world, client):
        r = client.get("/org/units/")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
class TestApi:
    def test_staff_lists_only_own_unit(self, world, api_for):
        data = api_for(world.staff1).get("/api/v1/units/").json()
        assert [u["name"] for u in data["results"]] == ["钵池街道"]

    def test_staff_cannot_read_or_change_other_street(self, world, api_for):
        api = api_for(world.staff1)
        assert api.get(f"/api/v1/units/{world.street2.pk}/").status_code == 404
        r = api.patch(f"/api/v1/units/{world.street2.pk}/", {"name": "x"}, format="json")
        assert r.status_code == 404
        assert Unit.objects.get(pk=world.street2.pk).name == "枚乘街道"

    def test_staff_cannot_change_own_unit_either(self, world, api_for):
        r = api_for(world.staff1).patch(f"/api/v1/units/{world.street1.pk}/", {"name": "x"}, format="json")
        assert r.status_code == 403
        assert "办公室" in r.json()["detail"] or "office" in r.json()["detail"]

    def test_province_member_sees_every_zone(self, world, api_for):
        data = api_for(world.admin).get("/api/v1/units/?limit=100").json()
        assert {u["zone"] for u in data["results"]} == {"za", "zb"}

    def test_token_of_another_zone_opens_nothing(self, world, api_for):
        api = api_for(world.office_b)
        assert api.get(f"/api/v1/units/{world.street1.pk}/").status_code == 404
        assert api.patch(f"/api/v1/units/{world.street1.pk}/", {"name": "x"}, format="json").status_code == 404
        names = {u["name"] for u in api.get("/api/v1/units/").json()["results"]}
        assert names == {"党政办公室", "城南街道"}

    def test_members_are_scoped(self, world, api_for):
        data = api_for(world.staff1).get("/api/v1/members/").json()
        assert [m["username"] for m in data["results"]] == ["t_staff1"]

    def test_office_creates_unit_in_own_zone(self, world, api_for):
        r = api_for(world.office).post("/api/v1/units/", {"name": "徐杨街道", "kind": "street",
                                                          "parent": world.office_unit.pk}, format="json")
        assert r.status_code == 201, r.content
        assert Unit.objects.get(name="徐杨街道").zone == world.zone_a

    def test_office_cannot_put_unit_under_other_zone(self, world, api_for):
        r = api_for(world.office).post("/api/v1/units/", {"name": "越界", "kind": "street",
                                                          "parent": world.street_b.pk}, format="json")
        assert r.status_code == 400
        assert not Unit.objects.filter(name="越界").exists()

    def test_no_token_no_data(self, world, client):
        assert client.get("/api/v1/units/").status_code in (401, 403)

    def test_schema_and_docs_are_served(self, world, api_for, client_for):
        assert api_for(world.office).get("/api/v1/schema/").status_code == 200
        html = client_for(world.office).get("/api/v1/docs/").content.decode()
        import re

        assert "swagger" in html.lower()
        # every script and stylesheet is served from this site (a bare "cdn" substring could be a random token)
        assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
        assert assets and not [a for a in assets if a.startswith(("http://", "https://", "//"))], assets


@pytest.mark.django_db
class TestSetUpPages:
    def test_office_adds_unit_and_member(self, world, client_for):
        from tuijin.org.models import Member

        c = client_for(world.office)
        r = c.post("/org/units/", {"name": "徐杨街道", "kind": "street", "parent": world.office_unit.pk,
                                   "group": "街道", "sort_order": 5})
        assert r.status_code == 302
        unit = Unit.objects.get(name="徐杨街道")
        r = c.post("/org/members/new/", {"username": "xuyang", "full_name": "张三", "unit": unit.pk, "role": "staff",
                                         "scope": "unit", "mode": "type", "password": "Xuyang!2026pass"})
        assert r.status_code == 302
        m = Member.objects.get(user__username="xuyang")
        assert m.must_change_password and m.zone == world.zone_a

    def test_member_form_errors_in_chinese_and_nothing_stored(self, world, client_for):
        from django.contrib.auth import get_user_model

        c = client_for(world.office)
        r = c.post("/org/members/new/", {"username": "weak", "full_name": "弱", "unit": world.street1.pk,
                                         "role": "staff", "scope": "unit", "mode": "type", "password": "123"})
        html = r.content.decode()
        assert r.status_code == 200 and "密码" in html
        assert not get_user_model().objects.filter(username="weak").exists()

    def test_staff_cannot_add(self, world, client_for):
        r = client_for(world.staff1).post("/org/units/", {"name": "x", "kind": "street", "sort_order": 0})
        assert r.status_code == 403 and not Unit.objects.filter(name="x").exists()
