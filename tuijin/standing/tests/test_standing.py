"""Standing: the shipped lists, province ranks computed from them, the command line, the record service's bounds,
scope, the pages per role, hostile parameters, the 补齐短板 button."""
from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM
from tuijin.org.services import zone_create
from tuijin.standing import selectors, services
from tuijin.standing.models import Assessment, Goal, IndicatorLead, Ranking, Result, Shortfall

JIAXING = "嘉兴经济技术开发区"


@pytest.fixture
def lists(db):
    return services.lists_load(member=SYSTEM)


@pytest.fixture
def jiaxing(db):
    return zone_create(code="jiaxing", name=JIAXING, short_name="嘉兴经开区", province="浙江省")


def as_member(member):
    return acting_as(Actor(user_id=member.user.pk, username=member.user.username, source="web"))


def _ranking(key: str, item: str = "") -> Ranking:
    return Ranking.objects.get(assessment__key=key, item=item, group="", owner__isnull=True)


@pytest.mark.django_db
class TestShippedLists:
    def test_load(self, lists):
        assert lists.assessments == 7 and lists.rankings == 15
        top = list(_ranking("mofcom-2021").results.order_by("rank").values_list("subject_label", flat=True))
        assert len(top) == 30 and top[:3] == ["苏州工业园区", "广州", "北京"] and top[18] == "嘉兴"
        assert top[-1] == "北辰"
        top22 = list(_ranking("mofcom-2022").results.order_by("rank").values_list("subject_label", flat=True))
        assert top22[17] == "嘉兴" and top22[-1] == "宁波杭州湾"
        assert list(_ranking("mofcom-2021", "利用外资").results.filter(source="").order_by("rank").values_list(
            "subject_label", flat=True)) == ["广州", "天津", "苏州工业园区"]
        a = Assessment.objects.get(key="mofcom-2021")
        assert (a.issuer, a.year, a.data_year, a.zones_evaluated, a.owner) == ("商务部", 2021, 2020, 217, None)
        assert a.source.startswith("https://")
        # every result knows its province
        assert not Result.objects.filter(province="").exists()

    def test_statements_checked_against_the_lists(self, lists):
        with translation.override("zh-hans"):
            found = {f.item: f for f in lists.findings}
        assert set(found) == {"", "利用外资"}
        assert all(f.state != "disagrees" for f in lists.findings)
        assert found[""].state == "agrees"  # the seed's 19th is the list's 19th; 2nd in Zhejiang both ways
        assert found["利用外资"].state == "added"  # 8th is beyond the published top 3: recorded with the seed
        fdi = _ranking("mofcom-2021", "利用外资").results.get(subject_name=JIAXING)
        assert (fdi.rank, fdi.of, fdi.province_rank_stated) == (8, 217, 2) and "种子文档000" in fdi.source
        overall = _ranking("mofcom-2021").results.get(subject_name=JIAXING)
        assert overall.source == "" and "种子文档000" in overall.stated_by and overall.province_rank_stated == 2

    def test_load_twice_changes_nothing(self, lists):
        counts = (Assessment.objects.count(), Ranking.objects.count(), Result.objects.count())
        again = services.lists_load(member=SYSTEM)
        assert (Assessment.objects.count(), Ranking.objects.count(), Result.objects.count()) == counts
        assert [f.state for f in again.findings] == [f.state for f in lists.findings]

    def test_disagreeing_statement_is_reported(self, db, tmp_path):
        text = services.DATA_FILE.read_text(encoding="utf-8").replace(
            "    rank: 19\n    province_rank: 2\n", "    rank: 19\n    province_rank: 1\n")
        path = tmp_path / "lists.yaml"
        path.write_text(text, encoding="utf-8")
        report = services.lists_load(member=SYSTEM, path=path)
        bad = [f for f in report.findings if f.state == "disagrees"]
        assert len(bad) == 1 and bad[0].item == ""

    def test_only_the_administrator_loads(self, world):
        with pytest.raises(PermissionDenied):
            services.lists_load(member=world.office)
        assert not Assessment.objects.exists()


@pytest.mark.django_db
class TestProvinceRank:
    def test_computed_from_the_list(self, lists, jiaxing):
        rows = {(r.year, r.item): r for r in selectors.zone_results(member=SYSTEM, zone=jiaxing)}
        assert rows[(2021, None)].province_rank == 2 and rows[(2021, None)].province_rank_basis == "computed"
        assert rows[(2022, None)].province_rank == 3  # 杭州 9th and 宁波 17th above
        assert rows[(2018, None)].province_rank == 2  # 杭州 9th above
        # 利用外资: the published top 3 cannot give it; the seed states it
        assert rows[(2021, "利用外资")].province_rank == 2
        assert rows[(2021, "利用外资")].province_rank_basis == "stated"

    def test_partial_lists(self, lists):
        huaian = zone_create(code="huaian", name="淮安经济技术开发区", province="江苏省")
        row = selectors.zone_results(member=SYSTEM, zone=huaian)[0]
        assert (row.year, row.rank, row.province_rank) == (2018, 29, None)  # a 7th Jiangsu zone is unnamed
        # 2023: a paper lists every Jiangsu zone of the top 30, so Jiangsu ranks are known though others are not
        nantong = _ranking("mofcom-2023").results.get(subject_label="南通")
        rows = selectors._rows(SYSTEM, [nantong])
        assert rows[0].province_rank == 6


@pytest.mark.django_db
def test_cli_json_for_jiaxing_2021(lists, jiaxing):
    out = io.StringIO()
    call_command("standing", "--zone", "jiaxing", "--year", "2021", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["zone"] == "jiaxing" and data["year"] == 2021
    keys = {"assessment", "issuer", "subject", "group", "score", "rank", "of", "province_rank", "tier", "item"}
    assert all(set(r) == keys for r in data["results"])
    assert data["results"] == [
        {"assessment": "2021年国家级经济技术开发区综合发展水平考核评价", "issuer": "商务部", "subject": JIAXING,
         "group": None, "score": None, "rank": 19, "of": 217, "province_rank": 2, "tier": None, "item": None},
        {"assessment": "2021年国家级经济技术开发区综合发展水平考核评价", "issuer": "商务部", "subject": JIAXING,
         "group": None, "score": None, "rank": 8, "of": 217, "province_rank": 2, "tier": None, "item": "利用外资"},
    ]


@pytest.mark.django_db
def test_cli_refuses_bad_input(lists, jiaxing, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("standing", "--zone", "nowhere", "--format", "json")
    with pytest.raises(CommandError):
        call_command("standing", "--zone", "jiaxing", "--year", "0", "--format", "json")
    out = tmp_path / "j.xlsx"
    call_command("standing", "--zone", "jiaxing", "--format", "xlsx", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes()[:2] == b"PK"


# ---- recording by hand ---------------------------------------------------------------------------------------------

def _record(member, zone, **over):
    values = dict(issuer="浙江省商务厅", level="province", title="2022年度浙江省开发区综合考核评价", year=2022,
                  subject_name="", province="浙江省", rank=3, of=20, score="92.5", tier="优秀", source="")
    values.update(over)
    with as_member(member):
        return services.result_record(member=member, zone=zone, **values)


@pytest.mark.django_db
class TestRecord:
    def test_records_for_the_zone_only(self, world, lists):
        r = _record(world.office, world.zone_a)
        assert r.owner == world.zone_a and r.subject_name == world.zone_a.name and r.ranking.assessment.owner == \
            world.zone_a
        assert Result.objects.restrict(world.office_b).filter(pk=r.pk).count() == 0
        assert Result.objects.restrict(world.office).filter(pk=r.pk).count() == 1
        # a second result for the same zone in the same list is refused
        with pytest.raises(ValidationError):
            _record(world.office, world.zone_a, rank=4)

    def test_attaches_to_a_shipped_edition(self, world, lists):
        r = _record(world.office, world.zone_a, issuer="商务部", level="national",
                    title="2023年国家级经济技术开发区综合发展水平考核评价", year=2023, rank=40, of="", score="",
                    tier="", province="江苏省")
        assert r.ranking.assessment.key == "mofcom-2023" and r.ranking.owner is None and r.of == 230
        with pytest.raises(ValidationError) as exc:  # rank 4 of that list is 昆山's
            _record(world.office, world.zone_a, issuer="商务部", level="national", subject_name="某经开区",
                    title="2023年国家级经济技术开发区综合发展水平考核评价", year=2023, rank=4, of="", score="",
                    tier="")
        assert "rank" in exc.value.message_dict

    @pytest.mark.parametrize("field,bad,words", [
        ("rank", 25, ["名次", "25", "参评总数", "20"]),  # rank > of
        ("year", 0, ["年度", "1990", "2100", "0"]),
        ("score", "NaN", ["得分", "NaN"]),
        ("score", "1000.01", ["得分", "1000"]),
        ("of", 1001, ["参评总数", "1000"]),
        ("rank", "2.5", ["名次", "2.5"]),
        ("year", "二〇二二", ["年度"]),
        ("province", "浙江", ["省「浙江」", "省级行政区"]),  # an unknown province
    ])
    def test_bad_input_refused_in_chinese_nothing_stored(self, world, field, bad, words):
        before = (Assessment.objects.count(), Ranking.objects.count(), Result.objects.count())
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            _record(world.office, world.zone_a, **{field: bad})
        messages = exc.value.message_dict
        assert field in messages, messages
        text = messages[field][0]
        assert all(w in text for w in words), text
        assert (Assessment.objects.count(), Ranking.objects.count(), Result.objects.count()) == before

    def test_street_and_leader_cannot_record(self, world):
        for member in (world.staff1, world.leader):
            with pytest.raises(PermissionDenied):
                _record(member, world.zone_a)
        with pytest.raises(PermissionDenied):  # another zone's office
            _record(world.office_b, world.zone_a)
        assert not Result.objects.exists()

    def test_form_shows_the_message_and_stores_nothing(self, world, client_for):
        c = client_for(world.office)
        r = c.post("/standing/record/", {"issuer": "市商务局", "level": "city", "title": "全市开发区排名",
                                         "year": "2022", "subject_name": "甲", "rank": "9", "of": "8",
                                         "score": "nan"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200
        page = r.content.decode()  # every problem at once, each on its field
        assert "得分应为0—1000之间的数字,不能是「nan」" in page and "名次 9 大于参评总数 8" in page
        r = c.post("/standing/record/", {"issuer": "市商务局", "level": "city", "title": "全市开发区排名",
                                         "year": "2022", "subject_name": "甲", "rank": "9", "of": "8"})
        assert "名次 9 大于参评总数 8" in r.content.decode()
        assert not Result.objects.exists() and not Assessment.objects.exists()
        r = c.post("/standing/record/", {"issuer": "市商务局", "level": "city", "title": "全市开发区排名",
                                         "year": "2022", "subject_name": "甲", "rank": "2", "of": "8",
                                         "source": "=HYPERLINK(\"http://x\")"})
        assert r.status_code == 302 and Result.objects.filter(owner=world.zone_a).count() == 1


# ---- goal, list name, indicator leads: the zone's own ------------------------------------------------------------

@pytest.mark.django_db
class TestScope:
    def test_goal_and_leads_are_the_zones(self, world):
        with as_member(world.office):
            goal = services.goal_set(member=world.office, zone=world.zone_a, kind="rank", target_rank=30)
            services.leads_save(member=world.office, zone=world.zone_a,
                                leads={"utilized_fdi": ("实际使用外资金额", world.dept)})
        with translation.override("zh-hans"):
            goal.refresh_from_db()
            assert goal.label == "全国前30"
        # another zone's office sees none of it and changes none of it
        assert not Goal.objects.restrict(world.office_b).filter(zone=world.zone_a).exists()
        assert not IndicatorLead.objects.restrict(world.office_b).filter(zone=world.zone_a).exists()
        with pytest.raises(PermissionDenied):
            services.goal_set(member=world.office_b, zone=world.zone_a, kind="rank", target_rank=1)
        with pytest.raises(PermissionDenied):
            services.leads_save(member=world.office_b, zone=world.zone_a,
                                leads={"utilized_fdi": ("实际使用外资金额", None)})
        with pytest.raises(PermissionDenied):
            services.listing_set(member=world.office_b, zone=world.zone_a, list_name="乙")
        # nor may it give its own indicator to a unit of this zone
        with pytest.raises(ValidationError):
            services.leads_save(member=world.office_b, zone=world.zone_b,
                                leads={"utilized_fdi": ("实际使用外资金额", world.dept)})
        # the unit staff and the leader read it but do not change it
        assert Goal.objects.restrict(world.staff1).filter(zone=world.zone_a).exists()
        for member in (world.staff1, world.leader):
            with pytest.raises(PermissionDenied):
                services.goal_set(member=member, zone=world.zone_a, kind="rank", target_rank=1)
        assert Goal.objects.get(zone=world.zone_a).target_rank == 30
        assert IndicatorLead.objects.get(zone=world.zone_a).unit == world.dept

    def test_pages_of_another_zone_show_their_own(self, world, client_for):
        with as_member(world.office):
            services.goal_set(member=world.office, zone=world.zone_a, kind="rank", target_rank=7, label="甲区目标")
        page = client_for(world.office_b).get("/standing/").content.decode()
        assert "甲区目标" not in page
        assert "甲区目标" in client_for(world.staff1).get("/standing/").content.decode()

    def test_goal_bounds(self, world):
        with translation.override("zh-hans"):
            with pytest.raises(ValidationError) as exc:
                services.goal_set(member=world.office, zone=world.zone_a, kind="rank", target_rank=0)
            assert "目标名次" in exc.value.message_dict["target_rank"][0]
            with pytest.raises(ValidationError):
                services.goal_set(member=world.office, zone=world.zone_a, kind="score", target_score="NaN")
        assert not Goal.objects.exists()


# ---- pages -----------------------------------------------------------------------------------------------------------

@pytest.fixture
def jiaxing_world(world, lists):
    """Zone A carries Jiaxing's national-list name, a goal and a lead for 利用外资."""
    with as_member(world.office):
        services.listing_set(member=world.office, zone=world.zone_a, list_name=JIAXING)
        services.goal_set(member=world.office, zone=world.zone_a, kind="rank", target_rank=10, label="第一方阵")
        services.leads_save(member=world.office, zone=world.zone_a,
                            leads={"utilized_fdi": ("实际使用外资金额", world.dept),
                                   "trade_total": ("进出口总额", world.street1)})
    return world


@pytest.mark.django_db
class TestPages:
    def test_each_role(self, jiaxing_world, client_for):
        w = jiaxing_world
        for member in (w.office, w.leader, w.staff1, w.admin):
            c = client_for(member)
            r = c.get("/standing/")
            assert r.status_code == 200, member
            page = r.content.decode()
            assert "standing-chart-data" in page and "第一方阵" in page and "style=" not in page
            assert ("/standing/record/" in page) == member.is_office
            assert c.get("/standing/lists/").status_code == 200
            assert c.get("/standing/export/").status_code == 200
            for url in ("/standing/record/", "/standing/goal/", "/standing/leads/"):
                assert c.get(url).status_code == (200 if member.is_office else 403), (member, url)
        page = client_for(w.office).get("/standing/").content.decode()
        assert "还差8位" in page  # 2022: 18th against a goal of 10

    def test_standing_page_data(self, jiaxing_world):
        data = selectors.standing_page(member=jiaxing_world.staff1, zone=jiaxing_world.zone_a)
        assert data["watch"].state == "green" and data["watch"].year == 2022
        assert data["peers"]["year"] == 2022
        assert [p["rank"] for p in data["peers"]["rows"]] == [16, 17, 18, 19, 20]
        goal, distance = data["goals"][0]
        assert distance["distance"].gap == 8 and distance["year"] == 2022
        assert data["chart"]["years"] == ["2018", "2020", "2021", "2022"]
        assert data["chart"]["series"][0]["data"] == [13, None, 19, 18]
        assert data["chart"]["absent"]["data"] == [None, 11, None, None]  # not in 2020's top 10

    def test_a_zone_member_reads_only_its_zone(self, jiaxing_world):
        with pytest.raises(PermissionDenied):
            selectors.standing_page(member=jiaxing_world.office_b, zone=jiaxing_world.zone_a)

    def test_no_server_error_on_bad_parameters(self, jiaxing_world, client_for):
        c = client_for(jiaxing_world.office)
        # another zone's unit id is refused, not stored
        r = c.post("/standing/leads/", {"lead_utilized_fdi": str(jiaxing_world.street_b.pk),
                                        "lead_trade_total": str(jiaxing_world.street1.pk)})
        assert r.status_code == 200 and "请选择本区的单位" in r.content.decode()
        assert IndicatorLead.objects.get(zone=jiaxing_world.zone_a, code="utilized_fdi").unit == jiaxing_world.dept
        for value in ("abc", "0", "-1", "9" * 30, "NaN", "", "\x00", "[" * 3000, "1e999"):
            ok = 400 if "\x00" in value else 200  # a NUL in a query: refused before the view (core.middleware)
            assert c.get("/standing/lists/", {"assessment": value}).status_code == ok
            assert c.get("/standing/goal/", {"level": value}).status_code == ok
            assert c.get("/standing/", {"year": value, "page": value}).status_code == ok
            assert c.post("/standing/assign/", {"code": value}).status_code == 302
            assert c.post("/standing/results/delete/", {"result": value}).status_code == 302
            assert c.post("/standing/goal/", {"form": value, "level": value, "kind": value,
                                              "target_rank": value}).status_code == 200
            assert c.post("/standing/leads/", {"lead_utilized_fdi": value}).status_code in (200, 302)
        assert c.get("/standing/assign/").status_code == 405

    def test_leads_page_saves_the_mapping(self, jiaxing_world, client_for):
        w = jiaxing_world
        r = client_for(w.office).post("/standing/leads/", {"lead_utilized_fdi": str(w.street2.pk),
                                                           "lead_trade_total": ""})
        assert r.status_code == 302
        assert dict(IndicatorLead.objects.filter(zone=w.zone_a).values_list("code", "unit")) == {
            "utilized_fdi": w.street2.pk}
        assert client_for(w.staff1).post("/standing/leads/", {"lead_utilized_fdi": ""}).status_code == 403


@pytest.mark.django_db
class TestShortfallButton:
    def test_assigns_a_ticket_to_the_mapped_unit(self, jiaxing_world, client_for):
        from tuijin.tickets.models import Ticket

        w = jiaxing_world
        r = client_for(w.office).post("/standing/assign/", {"code": "utilized_fdi", "note": "梳理在谈外资项目"},
                                      HTTP_ACCEPT_LANGUAGE="zh-hans")
        ticket = Ticket.objects.get(zone=w.zone_a)
        assert r.status_code == 302 and r["Location"] == f"/tickets/{ticket.pk}/"
        assert ticket.assignee_unit == w.dept and ticket.state == "assigned"
        assert "实际使用外资金额" in ticket.title and "梳理在谈外资项目" in ticket.description
        assert "第18位" in ticket.description  # the zone's standing travels with the work
        assert Shortfall.objects.get(zone=w.zone_a).ticket == ticket
        assert ticket.events.get().action == "assign"
        # it sits with the lead unit, not with another unit's staff
        assert Ticket.objects.restrict(w.staff1).filter(pk=ticket.pk).count() == 0

    def test_refused_without_a_lead_or_by_others(self, jiaxing_world, client_for):
        from tuijin.tickets.models import Ticket

        w = jiaxing_world
        with pytest.raises(ValidationError):
            services.shortfall_assign(member=w.office, zone=w.zone_a, code="gdp")
        for member in (w.staff1, w.leader):
            assert client_for(member).post("/standing/assign/", {"code": "utilized_fdi"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.shortfall_assign(member=w.office_b, zone=w.zone_a, code="utilized_fdi")
        assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_export_goes_through_the_formula_guard(jiaxing_world, client_for):
    from openpyxl import load_workbook

    w = jiaxing_world
    _record(w.office, w.zone_a, subject_name=JIAXING, source="=HYPERLINK(\"http://example.com\")")
    r = client_for(w.office).get("/standing/export/")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["年度", "评价", "发布单位", "层级"]
    sources = [row[header.index("来源")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert any(s and s.startswith("'=HYPERLINK") for s in sources)
    ranks = {(row[0], row[4]): row[8] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert ranks[(2021, "综合排名")] == 19 and ranks[(2021, "利用外资")] == 8


@pytest.mark.django_db
def test_api(jiaxing_world, api_for):
    w = jiaxing_world
    data = api_for(w.staff1).get("/api/v1/standing/", {"year": "2021"}).json()
    assert [(r["rank"], r["item"], r["province_rank"]) for r in data["results"]] == [(19, None, 2), (8, "利用外资", 2)]
    _record(w.office, w.zone_a)
    mine = api_for(w.office).get("/api/v1/published-results/", {"year": "2022", "limit": 500}).json()["results"]
    theirs = api_for(w.office_b).get("/api/v1/published-results/", {"year": "2022", "limit": 500}).json()["results"]
    assert len(mine) == len(theirs) + 1
    for year in ("abc", "²²²²", "1999"):  # a malformed year answers 400 naming it (docs/security.md, "Parameters")
        r = api_for(w.office).get("/api/v1/standing/", {"year": year})
        assert r.status_code == 400 and list(r.json()) == ["year"]
        assert api_for(w.office).get("/api/v1/published-results/", {"year": year}).status_code == 400
    assert api_for(w.office).get("/api/v1/standing.json", {"year": "2021"}).json()["results"][0]["rank"] == 19


def test_the_ministrys_lists_apply_to_national_zones_only(world, client_for):
    """A provincial zone is not in the national evaluation: its page says so instead of watching an exit rule."""
    national = client_for(world.office).get("/standing/").content.decode()
    assert 'id="peers-card"' in national and "退出规则" in national
    provincial = client_for(world.office_b).get("/standing/").content.decode()
    assert 'id="peers-card"' not in provincial and "退出规则预警" not in provincial
    assert "只评国家级经济技术开发区" in provincial
