import pytest

from tuijin.core.models import OperationLog


@pytest.mark.django_db
def test_writes_are_logged_without_their_bodies(world, client_for, api_for):
    client_for(world.office).post(f"/org/units/{world.street2.pk}/", {"name": "枚乘街道", "kind": "street",
                                                                      "sort_order": 1, "group": "A档"})
    api_for(world.staff1).patch(f"/api/v1/units/{world.street2.pk}/", {"name": "x"}, format="json")
    web, api = OperationLog.objects.order_by("id")
    assert (web.username, web.method, web.module, web.operation, web.status) == (
        "t_office", "POST", "org", "unit_detail", 302)
    assert (api.username, api.method, api.status) == ("t_staff1", "PATCH", 404)
    assert not api.succeeded and web.zone == world.zone_a


@pytest.mark.django_db
def test_reads_are_not_logged_and_only_admins_read_the_log(world, client_for):
    client_for(world.office).get("/org/units/")
    assert OperationLog.objects.count() == 0
    assert client_for(world.office).get("/operations/").status_code == 403
    assert client_for(world.admin).get("/operations/").status_code == 200


@pytest.mark.django_db
def test_the_log_reads_in_words(world, client_for, api_for):
    client_for(world.office).post(f"/org/units/{world.street2.pk}/", {"name": "枚乘街道", "kind": "street",
                                                                      "sort_order": 1, "group": "A档"})
    api_for(world.office).patch(f"/api/v1/members/{world.staff1.pk}/", {"title": "科员"}, format="json")
    client_for(world.office).get("/org/members/export/")
    html = client_for(world.admin).get("/operations/").content.decode()
    for words in ("单位与成员", "修改单位", "变更成员", "导出成员名单"):
        assert words in html, words
    assert "unit_detail" not in html and "member-detail" not in html


def test_every_page_has_an_operation_label():
    """A new page gets its name in the operation log (core.operations.PAGES) as it gets its address."""
    from tuijin.core.operations import module_label, operation_label
    from tuijin.core.tests.test_bad_parameters import ROUTES

    missing = []
    for route in ROUTES:
        namespace, _, name = route.name.rpartition(":")
        if not name:
            continue  # an address without a name (favicon.ico) is logged without one
        for method in ("GET", "POST", "PATCH"):
            if operation_label(namespace, name, method) == name:
                missing.append(f"{route.name} ({method})")
        if namespace and module_label(namespace).lower() == namespace:
            missing.append(f"app {namespace}: no verbose_name")
    assert not missing, "no label in core.operations.PAGES (or the app's verbose_name) for:\n" + "\n".join(
        sorted(set(missing)))
