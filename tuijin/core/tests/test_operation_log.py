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
