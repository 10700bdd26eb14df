"""The members pages: the office adds, edits, disables and enables members and gives them a new initial password,
within its zone; every write goes through org.services, so the pages refuse what the API refuses, in the same words.
"""
import io
import re

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from tuijin.core.changelog import history_for
from tuijin.org.models import Member

PASSWORD = "Zx!9tuijinpass"
CJK = re.compile(r"[\u4e00-\u9fff]")


def fresh(m):
    return Member.objects.select_related("user", "unit").get(pk=m.pk)


def new_member(world, **extra):
    data = {"username": "xuyang", "full_name": "张三", "title": "科员", "phone": "0517-1234567",
            "unit": world.street1.pk, "role": "staff", "scope": "unit", "mode": "generate", "password": ""}
    return {**data, **extra}


def edit_data(target, **extra):
    data = {"full_name": target.full_name or "某人", "title": target.title, "phone": target.phone,
            "unit": target.unit_id, "role": target.role, "scope": target.scope,
            "is_active": "on" if target.user.is_active else ""}
    data.update(extra)
    return {k: v for k, v in data.items() if v != ""}


def field_error(response, field) -> str:
    errors = response.context["form"].errors.get(field)
    assert errors, f"no error on {field}: {response.context['form'].errors}"
    assert CJK.search(errors[0]), f"not in Chinese: {errors[0]}"
    return errors[0]


@pytest.mark.django_db
class TestOffice:
    def test_add_with_a_generated_password_shown_once(self, world, client_for):
        c = client_for(world.office)
        r = c.post("/org/members/new/", new_member(world))
        assert r.status_code == 200
        password = r.context["password"]
        html = r.content.decode()
        assert f'id="initial-password">{password}<' in html and "只显示这一次" in html
        m = Member.objects.select_related("user").get(user__username="xuyang")
        assert m.user.check_password(password) and m.must_change_password
        assert (m.zone, m.unit, m.role, m.scope, m.phone) == (world.zone_a, world.street1, "staff", "unit",
                                                              "0517-1234567")
        # shown once: the member's page never shows it again
        assert password not in c.get(f"/org/members/{m.pk}/").content.decode()

    def test_add_with_a_typed_password(self, world, client_for):
        r = client_for(world.office).post("/org/members/new/", new_member(world, mode="type", password=PASSWORD))
        m = Member.objects.select_related("user").get(user__username="xuyang")
        assert r.status_code == 302 and r["Location"] == f"/org/members/{m.pk}/"
        assert m.user.check_password(PASSWORD) and m.must_change_password

    def test_typed_mode_needs_a_password(self, world, client_for):
        r = client_for(world.office).post("/org/members/new/", new_member(world, mode="type"))
        field_error(r, "password")
        assert not get_user_model().objects.filter(username="xuyang").exists()

    def test_edit_name_unit_role_scope(self, world, client_for):
        c = client_for(world.office)
        r = c.post(f"/org/members/{world.staff1.pk}/", edit_data(
            world.staff1, full_name="李四", title="副科长", unit=world.dept.pk, role="leader", scope="subtree"))
        assert r.status_code == 302
        m = fresh(world.staff1)
        assert (m.full_name, m.title, m.unit, m.role, m.scope) == ("李四", "副科长", world.dept, "leader", "subtree")
        entry = history_for(m).first()
        assert entry.username == "t_office" and ("full_name", "", "李四") in entry.changes()

    def test_disable_in_the_edit_form_and_with_the_button(self, world, client_for):
        c = client_for(world.office)
        Token.objects.create(user=world.staff1.user)
        assert c.post(f"/org/members/{world.staff1.pk}/", edit_data(world.staff1, is_active="")).status_code == 302
        assert not fresh(world.staff1).user.is_active
        assert not Token.objects.filter(user=world.staff1.user).exists()
        r = c.post(f"/org/members/{world.staff1.pk}/active/", {"active": "1"})
        assert r.status_code == 302 and fresh(world.staff1).user.is_active
        r = c.post(f"/org/members/{world.staff2.pk}/active/", {"active": "0"}, follow=True)
        assert not fresh(world.staff2).user.is_active and "已停用" in r.content.decode()

    def test_disabled_member_cannot_sign_in(self, world, client_for, client):
        client_for(world.office).post(f"/org/members/{world.staff1.pk}/active/", {"active": "0"})
        r = client.post("/accounts/login/", {"username": "t_staff1", "password": "tuijin2026"})
        assert r.status_code == 200 and "_auth_user_id" not in client.session

    def test_own_account_cannot_be_disabled(self, world, client_for):
        c = client_for(world.office)
        assert 'id="member-active"' not in c.get(f"/org/members/{world.office.pk}/").content.decode()
        r = c.post(f"/org/members/{world.office.pk}/active/", {"active": "0"}, follow=True)
        assert fresh(world.office).user.is_active and "不能停用自己的账号" in r.content.decode()

    def test_reset_password_generated_then_changed_at_sign_in(self, world, client_for, client):
        Token.objects.create(user=world.staff1.user)
        r = client_for(world.office).post(f"/org/members/{world.staff1.pk}/password/", {"mode": "generate"})
        assert r.status_code == 200
        password = r.context["password"]
        m = fresh(world.staff1)
        assert m.user.check_password(password) and m.must_change_password
        assert not Token.objects.filter(user=m.user).exists()
        client.post("/accounts/login/", {"username": "t_staff1", "password": password})
        r = client.get("/projects/")
        assert r.status_code == 302 and r["Location"] == "/accounts/password/"

    def test_reset_password_typed(self, world, client_for):
        r = client_for(world.office).post(f"/org/members/{world.staff1.pk}/password/",
                                          {"mode": "type", "password": PASSWORD})
        assert r.status_code == 302
        m = fresh(world.staff1)
        assert m.user.check_password(PASSWORD) and m.must_change_password

    def test_weak_typed_password_is_refused_on_the_field(self, world, client_for):
        r = client_for(world.office).post(f"/org/members/{world.staff1.pk}/password/",
                                          {"mode": "type", "password": "12345678"})
        field_error(r, "password")
        assert fresh(world.staff1).user.check_password("tuijin2026")

    def test_admin_manages_any_zone(self, world, client_for):
        c = client_for(world.admin)
        r = c.post(f"/org/members/{world.staff_b.pk}/", edit_data(world.staff_b, full_name="王五",
                                                                 unit=world.office_b_unit.pk))
        assert r.status_code == 302
        assert (fresh(world.staff_b).full_name, fresh(world.staff_b).unit) == ("王五", world.office_b_unit)


@pytest.mark.django_db
class TestListAndExport:
    def test_search_and_filters(self, world, client_for):
        c = client_for(world.office)
        client_for(world.office).post(f"/org/members/{world.staff2.pk}/active/", {"active": "0"})

        def names(**params):
            return {m.user.username for m in c.get("/org/members/", params).context["page"]}

        assert {"t_office", "t_staff1", "t_staff2", "t_leader", "t_admin"} <= names()
        assert "t_office_b" not in names()
        assert names(q="staff1") == {"t_staff1"}
        assert names(q="钵池") == {"t_staff1"}
        assert names(unit=world.street2.pk) == {"t_staff2"}
        assert names(role="leader") == {"t_leader"}
        assert names(active="0") == {"t_staff2"}
        assert "t_staff2" not in names(active="1")
        assert {"t_office", "t_staff1"} <= names(unit="abc", role="boss", active="x")  # nonsense filters nothing
        assert names(unit=world.street_b.pk) == set()  # another zone's unit: nothing of it

    def test_staff_sees_their_unit_without_the_office_links(self, world, client_for):
        r = client_for(world.staff1).get("/org/members/")
        assert {m.user.username for m in r.context["page"]} == {"t_staff1"}
        html = r.content.decode()
        assert "/org/members/new/" not in html and f"/org/members/{world.staff1.pk}/" not in html

    def test_export_is_the_filtered_list_and_formula_safe(self, world, client_for):
        c = client_for(world.office)
        c.post(f"/org/members/{world.staff1.pk}/", edit_data(world.staff1, full_name='=HYPERLINK("http://x")'))
        r = c.get("/org/members/export/", {"unit": world.street1.pk})
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][:3] == ("用户名", "姓名", "单位")
        assert rows[1][0] == "t_staff1" and len(rows) == 2
        assert rows[1][1] == "'=HYPERLINK(\"http://x\")"  # text, never a formula
        assert rows[1][5] == "单位填报员" and rows[1][7] == "是"

    def test_export_stays_in_scope(self, world, client_for):
        r = client_for(world.staff1).get("/org/members/export/")
        users = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)]
        assert users == ["t_staff1"]


ACTIONS = [("get", "/org/members/new/", None), ("post", "/org/members/new/", "create"),
           ("get", "/org/members/{pk}/", None), ("post", "/org/members/{pk}/", "edit"),
           ("post", "/org/members/{pk}/active/", {"active": "0"}),
           ("get", "/org/members/{pk}/password/", None), ("post", "/org/members/{pk}/password/", {"mode": "generate"})]


def _data(world, data):
    if data == "create":
        return new_member(world)
    if data == "edit":
        return edit_data(world.staff1, full_name="改名")
    return data


def _unchanged(world):
    m = fresh(world.staff1)
    assert m.full_name == "" and m.user.is_active and m.user.check_password("tuijin2026")
    assert not get_user_model().objects.filter(username="xuyang").exists()


@pytest.mark.django_db
class TestWhoMay:
    @pytest.mark.parametrize("who", ["staff1", "leader"])
    @pytest.mark.parametrize("method,url,data", ACTIONS)
    def test_staff_and_leaders_are_refused(self, world, client_for, who, method, url, data):
        c = client_for(getattr(world, who))
        r = getattr(c, method)(url.format(pk=world.staff1.pk), _data(world, data))
        assert r.status_code == 403
        _unchanged(world)

    @pytest.mark.parametrize("method,url,data", [a for a in ACTIONS if "{pk}" in a[1]])
    def test_another_zones_office_finds_nothing(self, world, client_for, method, url, data):
        r = getattr(client_for(world.office_b), method)(url.format(pk=world.staff1.pk), _data(world, data))
        assert r.status_code == 404
        _unchanged(world)

    def test_member_above_is_shown_but_not_changed(self, world, client_for):
        c = client_for(world.office)
        admin = world.admin
        r = c.get(f"/org/members/{admin.pk}/")
        assert r.status_code == 200 and r.context["form"] is None and "高于" in r.content.decode()
        assert c.post(f"/org/members/{admin.pk}/", edit_data(admin, full_name="改名")).status_code == 403
        assert c.post(f"/org/members/{admin.pk}/active/", {"active": "0"}).status_code == 403
        assert c.get(f"/org/members/{admin.pk}/password/").status_code == 403
        assert c.post(f"/org/members/{admin.pk}/password/", {"mode": "generate"}).status_code == 403
        m = fresh(admin)
        assert m.full_name == "" and m.user.is_active and m.user.check_password("tuijin2026")


@pytest.mark.django_db
class TestEscalationSameAsApi:
    def test_raising_a_role_above_ones_own(self, world, client_for, api_for):
        api = api_for(world.office).patch(f"/api/v1/members/{world.staff1.pk}/", {"role": "admin"}, format="json")
        page = client_for(world.office).post(f"/org/members/{world.staff1.pk}/", edit_data(world.staff1,
                                                                                            role="admin"))
        assert api.status_code == 403 and page.status_code == 200
        assert field_error(page, "role") == api.json()["detail"]
        assert fresh(world.staff1).role == "staff"

    def test_widening_a_scope_above_ones_own(self, world, client_for, api_for):
        api = api_for(world.office).patch(f"/api/v1/members/{world.staff1.pk}/", {"scope": "all"}, format="json")
        page = client_for(world.office).post("/org/members/new/", new_member(world, scope="all"))
        assert api.status_code == 403
        assert field_error(page, "scope") == api.json()["detail"]
        assert fresh(world.staff1).scope == "unit"
        assert not get_user_model().objects.filter(username="xuyang").exists()


BAD = [("full_name", "", None), ("full_name", "张\x01三", "控制字符"), ("full_name", "张\u200b三", "不可见"),
       ("unit", "999999", "单位"), ("unit", "other-zone", "单位"), ("unit", "abc", "单位"), ("phone", "电话号码", None),
       ("role", "boss", None)]


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("field,value,words", BAD)
    def test_create(self, world, client_for, field, value, words):
        value = world.street_b.pk if value == "other-zone" else value
        r = client_for(world.office).post("/org/members/new/", new_member(world, **{field: value}))
        assert r.status_code == 200
        message = field_error(r, field)
        assert words is None or words in message
        assert not get_user_model().objects.filter(username="xuyang").exists()

    @pytest.mark.parametrize("field,value,words", BAD)
    def test_edit(self, world, client_for, field, value, words):
        value = world.street_b.pk if value == "other-zone" else value
        data = edit_data(world.staff1, full_name="改名", title="新职务")
        data[field] = value
        r = client_for(world.office).post(f"/org/members/{world.staff1.pk}/", data)
        assert r.status_code == 200
        message = field_error(r, field)
        assert words is None or words in message
        m = fresh(world.staff1)
        assert (m.full_name, m.title, m.unit) == ("", "", world.street1)

    def test_control_characters_in_the_user_name(self, world, client_for):
        r = client_for(world.office).post("/org/members/new/", new_member(world, username="bad\x07name"))
        field_error(r, "username")
        assert not get_user_model().objects.filter(username__startswith="bad").exists()
