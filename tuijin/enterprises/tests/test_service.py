"""工业服务年: a ticket linked to an enterprise, liaisons, visits, the enterprise's rating after 销号, the per-unit
figures the assessment reads, and the 亩均效益 evaluation on a small register."""
import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuijin.core.scope import SYSTEM
from tuijin.enterprises import mujun, services
from tuijin.enterprises.models import EnterpriseVisit
from tuijin.enterprises.services import enterprise_save, enterprise_year_save
from tuijin.enterprises.tests.conftest import code
from tuijin.tickets import services as tickets
from tuijin.tickets.models import Ticket, TicketEvent
from tuijin.tickets.selectors import enterprise_service_stats_by_unit

pytestmark = pytest.mark.django_db


def _request(world, enterprise, member=None, unit=None):
    return tickets.ticket_raise(member=member or world.office, zone=world.zone_a, title="用工招聘困难",
                                assignee_unit=unit or world.street1, source=Ticket.Source.ENTERPRISE,
                                enterprise_record=enterprise)


def _closed(world, enterprise):
    t = _request(world, enterprise)
    tickets.ticket_acknowledge(member=world.staff1, ticket=t)
    tickets.ticket_resolve(member=world.staff1, ticket=t, resolution="已组织专场招聘")
    return tickets.ticket_close(member=world.office, ticket=t)


def test_a_ticket_links_an_enterprise_of_the_zone_within_scope(world, enterprises):
    e1, e2, eb = enterprises
    t = _request(world, e1)
    assert t.enterprise_record == e1 and t.enterprise == e1.name  # the name kept in step
    with pytest.raises(ValidationError) as exc:
        _request(world, eb)  # another zone's enterprise
    assert "enterprise_record" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _request(world, e1, member=world.staff2, unit=world.street2)  # a street cannot link another street's
    assert Ticket.objects.count() == 1


def test_old_tickets_are_linked_by_zone_and_name(world, enterprises):
    e1, _e2, eb = enterprises
    now = timezone.now()
    kw = dict(source="enterprise", assignee_unit=world.street1, assigned_at=now, ack_due=now, feedback_due=now,
              deadline=dt.date.today())
    same = Ticket.objects.create(zone=world.zone_a, enterprise=f" {e1.name} ", title="a", **kw)
    other_zone = Ticket.objects.create(zone=world.zone_a, enterprise=eb.name, title="b", **kw)
    partial = Ticket.objects.create(zone=world.zone_a, enterprise="澄川精密机械", title="c", **kw)
    migration = importlib.import_module("tuijin.tickets.migrations.0003_enterprise_link_and_satisfaction")
    migration.link_by_name(apps, None)
    for t in (same, other_zone, partial):
        t.refresh_from_db()
    assert (same.enterprise_record_id, other_zone.enterprise_record_id, partial.enterprise_record_id) == \
        (e1.pk, None, None)


def test_rating_only_after_close_by_whoever_raised_it(world, enterprises):
    e1 = enterprises[0]
    t = _request(world, e1)
    with pytest.raises(ValidationError):  # not closed yet
        tickets.ticket_rate(member=world.office, ticket=t, satisfaction="satisfied")
    t = _closed(world, e1)
    with pytest.raises(PermissionDenied):  # the handling unit did not raise it
        tickets.ticket_rate(member=world.staff1, ticket=t, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        tickets.ticket_rate(member=world.office, ticket=t, satisfaction="很好")
    t = tickets.ticket_rate(member=world.office, ticket=t, satisfaction="fairly", comment="答复及时")
    assert (t.state, t.satisfaction, t.satisfaction_comment) == ("closed", "fairly", "答复及时")
    with pytest.raises(ValidationError):  # once
        tickets.ticket_rate(member=world.office, ticket=t, satisfaction="satisfied")


def test_dissatisfied_reopens_for_review(world, enterprises):
    t = _closed(world, enterprises[0])
    with pytest.raises(ValidationError) as exc:  # say why
        tickets.ticket_rate(member=world.office, ticket=t, satisfaction="dissatisfied")
    assert "comment" in exc.value.message_dict
    t = tickets.ticket_rate(member=world.office, ticket=t, satisfaction="dissatisfied", comment="仍缺普工")
    assert (t.state, t.reopen_count, t.closed_at, t.resolved_at) == ("acknowledged", 1, None, None)
    assert list(t.events.values_list("action", flat=True))[-2:] == [TicketEvent.Action.RATE, TicketEvent.Action.REOPEN]
    tickets.ticket_resolve(member=world.staff1, ticket=t, resolution="再次对接人力资源市场")
    t = tickets.ticket_close(member=world.office, ticket=t)
    t = tickets.ticket_rate(member=world.office, ticket=t, satisfaction="satisfied")
    assert t.satisfaction == "satisfied"


def test_rating_through_the_page_and_the_api_alike(world, enterprises, client_for, api_for):
    e1 = enterprises[0]
    a, b = _closed(world, e1), _closed(world, e1)
    r = client_for(world.office).post(f"/tickets/{a.pk}/", {"action": "rate", "satisfaction": "dissatisfied"})
    assert r.status_code == 302
    r = api_for(world.office).post(f"/api/v1/tickets/{b.pk}/rate/", {"satisfaction": "dissatisfied"}, format="json")
    assert r.status_code == 400
    a.refresh_from_db(), b.refresh_from_db()
    assert a.state == b.state == "closed" and a.satisfaction == b.satisfaction == ""
    client_for(world.office).post(f"/tickets/{a.pk}/", {"action": "rate", "satisfaction": "satisfied"})
    r = api_for(world.office).post(f"/api/v1/tickets/{b.pk}/rate/", {"satisfaction": "satisfied"}, format="json")
    assert r.status_code == 200 and r.json()["satisfaction"] == "satisfied"
    a.refresh_from_db()
    assert a.satisfaction == "satisfied"
    r = api_for(world.staff2).post(f"/api/v1/tickets/{b.pk}/rate/", {"satisfaction": "satisfied"}, format="json")
    assert r.status_code == 404  # another unit's ticket


def test_service_stats_by_unit(world, enterprises):
    e1 = enterprises[0]
    t1 = _closed(world, e1)
    tickets.ticket_rate(member=world.office, ticket=t1, satisfaction="satisfied")
    t2 = _closed(world, e1)
    tickets.ticket_rate(member=world.office, ticket=t2, satisfaction="dissatisfied", comment="不满意")
    _request(world, e1, unit=world.street2)
    tickets.ticket_raise(member=world.office, zone=world.zone_a, title="非企业诉求", assignee_unit=world.street1)
    rows = {r["unit"]: r for r in enterprise_service_stats_by_unit(world.zone_a, timezone.now().year)}
    s1 = rows["钵池街道"]
    assert (s1["received"], s1["resolved"], s1["on_time"], s1["rated"], s1["satisfied"], s1["dissatisfied"]) == \
        (2, 1, 1, 2, 1, 1)
    assert s1["satisfaction_rate"] == 0.5 and s1["resolution_rate"] == 0.5
    assert rows["枚乘街道"]["received"] == 1 and rows["枚乘街道"]["satisfaction_rate"] is None
    assert enterprise_service_stats_by_unit(world.zone_b, timezone.now().year) == []
    mine = enterprise_service_stats_by_unit(world.zone_a, timezone.now().year, member=world.staff2)
    assert [r["unit"] for r in mine] == ["枚乘街道"]


def test_liaison_and_visits(world, enterprises, client_for):
    e1, e2, _eb = enterprises
    with pytest.raises(PermissionDenied):
        services.liaison_set(member=world.staff1, enterprise=e1, liaison=world.staff1)
    with pytest.raises(ValidationError):  # does not see 钵池街道's enterprise
        services.liaison_set(member=world.office, enterprise=e1, liaison=world.staff2)
    with pytest.raises(ValidationError):  # another zone
        services.liaison_set(member=world.office, enterprise=e1, liaison=world.staff_b)
    assert services.liaison_set(member=world.office, enterprise=e1, liaison=world.staff1).liaison == world.staff1
    with pytest.raises(ValidationError) as exc:
        services.visit_log(member=world.staff1, enterprise=e1, visited_on="2099-01-01", findings="")
    assert set(exc.value.message_dict) == {"visited_on", "findings"}
    with pytest.raises(PermissionDenied):
        services.visit_log(member=world.staff2, enterprise=e1, visited_on="2023-05-01", findings="走访")
    with pytest.raises(ValidationError):  # the request refused (another zone's unit): no visit either
        services.visit_log(member=world.office, enterprise=e1, visited_on="2023-05-01", findings="走访",
                           request_title="诉求", request_unit=world.street_b)
    assert EnterpriseVisit.objects.count() == 0
    r = client_for(world.staff1).post(f"/enterprises/{e1.pk}/visits/new/", {
        "visited_on": "2023-05-01", "findings": "走访了解生产经营", "request_title": "申请电力增容"})
    assert r.status_code == 302
    visit = EnterpriseVisit.objects.get()
    assert visit.ticket.enterprise_record == e1 and visit.ticket.source == "enterprise"
    assert visit.ticket.assignee_unit == world.street1
    page = client_for(world.staff1).get(f"/enterprises/{e1.pk}/").content.decode()
    assert "走访了解生产经营" in page and "申请电力增容" in page
    assert client_for(world.staff2).get(f"/enterprises/{e1.pk}/visits/new/").status_code == 404


@pytest.fixture
def register(world):
    """Five industrial enterprises of 钵池街道 with 2021 and 2022 figures: land 100, 50, 20, 2 (below 3亩) and 0."""
    out = []
    for i, (land, tax, va) in enumerate([(100, 3000, 9000), (50, 500, 2000), (20, 100, 300), (2, 50, 100),
                                         (0, 80, 200)]):
        e = enterprise_save(member=SYSTEM, zone=world.zone_a, credit_code=code(100 + i), name=f"企业{i}",
                            unit=world.street1, land_area=Decimal(land))
        for year, k in ((2021, 1 if i != 1 else 3), (2022, 1)):
            enterprise_year_save(member=SYSTEM, enterprise=e, year=year, revenue=Decimal(va * 3), tax=Decimal(tax * k),
                                 output=Decimal(va * 3), value_added=Decimal(va * k), energy=Decimal(va / 2),
                                 rnd=Decimal(va * 3 // 50), employees=10 + i)
        out.append(e)
    return out


def test_mujun_ranks_classes_and_explains(world, register):
    ev = mujun.evaluate(member=world.office, zone=world.zone_a, year=2022)
    assert [(e.name, reason) for e, reason in ev.excluded] == [("企业4", "用地面积为0或未填,无法计算亩均指标,不参评")]
    main = [r for r in ev.rows if r.group == "用地3亩及以上"]
    assert [r.enterprise.name for r in main] == ["企业0", "企业1", "企业2"]  # by score
    assert [r.group for r in ev.rows if r.enterprise.name == "企业3"] == ["用地不足3亩"]  # scored on its own
    best = main[0]
    assert best.values["tax_per_mu"] == 30.0 and best.klass == "A"
    assert main[-1].klass == "D"
    tax = next(b for b in best.breakdown if b["code"] == "tax_per_mu")
    assert "全区平均" in tax["text"] and tax["points"] == pytest.approx(min(40 * 30 / (3600 / 170), 60))
    assert sum(b["points"] for b in best.breakdown) == pytest.approx(best.score)
    second = main[1]  # 2021: three times the tax and value added
    assert second.last_class and second.change in ("down", "same")
    assert {c["name"]: c["count"] for c in ev.classes}["A"] >= 1 and all(c["note"] for c in ev.classes)


def test_mujun_small_excluded_when_the_scheme_says_so(world, register):
    config = {**mujun.load_config(), "small": "exclude"}
    ev = mujun.evaluate(member=world.office, zone=world.zone_a, year=2022, config=config)
    assert sorted(e.name for e, _r in ev.excluded) == ["企业3", "企业4"]
    assert {r.group for r in ev.rows} == {""}


def test_mujun_page_export_and_scope(world, register, client_for):
    r = client_for(world.office).get("/enterprises/mujun/?year=2022")
    assert r.status_code == 200 and "企业0" in r.content.decode() and "不参评" in r.content.decode()
    r = client_for(world.office).get("/enterprises/mujun/?year=2022&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(world.staff2).get("/enterprises/mujun/?year=2022").context["ev"].rows == []
    assert client_for(world.office_b).get("/enterprises/mujun/?year=2022").context["ev"].rows == []
    assert client_for(world.office).get("/enterprises/mujun/?year=abc").status_code == 200


def test_the_api_links_a_request_to_an_enterprise_within_scope(world, enterprises, api_for):
    e1, _e2, eb = enterprises
    body = {"title": "融资需求", "assignee_unit": world.street1.pk, "deadline": "2099-01-01", "source": "enterprise",
            "enterprise_record": e1.pk}
    r = api_for(world.office).post("/api/v1/tickets/", body, format="json")
    assert r.status_code == 201 and r.json()["enterprise"] == e1.name and r.json()["enterprise_record"] == e1.pk
    for member, record in ((world.office, eb.pk), (world.staff2, e1.pk), (world.office, 10**9)):
        r = api_for(member).post("/api/v1/tickets/", {**body, "enterprise_record": record,
                                                      "assignee_unit": world.street2.pk}, format="json")
        assert r.status_code == 400 and "enterprise_record" in r.json()
    assert Ticket.objects.count() == 1


def test_a_visit_through_the_page_and_the_api_alike(world, enterprises, client_for, api_for):
    e1 = enterprises[0]
    bad = {"visited_on": "2099-01-01", "findings": " "}
    r = client_for(world.staff1).post(f"/enterprises/{e1.pk}/visits/new/", bad)
    page_errors = r.context["form"].errors
    r = api_for(world.staff1).post(f"/api/v1/enterprises/{e1.pk}/visits/", bad, format="json")
    assert r.status_code == 400 and set(r.json()) == set(page_errors) == {"visited_on", "findings"}
    assert r.json()["visited_on"] == page_errors["visited_on"]
    good = {"visited_on": "2023-05-02", "findings": "了解订单情况", "request_title": "申请技改专项资金"}
    r = api_for(world.staff1).post(f"/api/v1/enterprises/{e1.pk}/visits/", good, format="json")
    assert r.status_code == 201 and r.json()["ticket"]
    client_for(world.staff1).post(f"/enterprises/{e1.pk}/visits/new/", good)
    visits = list(EnterpriseVisit.objects.order_by("pk"))
    assert len(visits) == 2
    assert [(v.visited_on, v.findings, v.ticket.title, v.ticket.enterprise_record_id) for v in visits] == \
        [(dt.date(2023, 5, 2), "了解订单情况", "申请技改专项资金", e1.pk)] * 2
    assert api_for(world.staff2).post(f"/api/v1/enterprises/{e1.pk}/visits/", good, format="json").status_code == 404


def test_the_enterprise_page_shows_its_leads_within_scope(world, enterprises, client_for):
    from tuijin.promotion.services import lead_create

    e1, _e2, _eb = enterprises
    common = dict(source="referral", investor="澄川精密机械有限公司", industry="装备", currency="CNY", amount="20000",
                  lead_on=dt.date(2026, 1, 5), assess_by=dt.date(2026, 2, 5))
    lead_create(member=world.office, zone=world.zone_a, name="澄川二期扩产", unit=world.street1, **common)
    lead_create(member=world.office, zone=world.zone_a, name="澄川研发中心", unit=world.street2, **common)
    office = client_for(world.office).get(f"/enterprises/{e1.pk}/").content.decode()
    assert "澄川二期扩产" in office and "澄川研发中心" in office
    street = client_for(world.staff1).get(f"/enterprises/{e1.pk}/").content.decode()
    assert "澄川二期扩产" in street and "澄川研发中心" not in street  # 枚乘街道's lead is outside 钵池街道's scope
