import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from tuijin.core.models import ChangeLog
from tuijin.projects import selectors, services
from tuijin.projects.exchange import ledger_columns
from tuijin.projects.models import NodePlanTemplate, Project, ProjectProgress, TemplateNode

D = dt.date
HEADERS = ["项目编号", "项目名称", "项目类别", "是否外资", "所属行业", "投资主体", "计划总投资(万元)", "年度计划投资(万元)",
           "责任单位", "包挂领导", "责任人", "当前阶段", "签约日期", "实际注册日期", "实际供地日期", "计划开工日期",
           "实际开工日期", "计划竣工日期", "实际竣工日期", "计划投产日期", "实际投产日期", "实际达产日期", "经度", "纬度",
           "备注"]


def row(code="X1", **kw):
    base = {"项目编号": code, "项目名称": "测试项目", "项目类别": "产业项目", "是否外资": "否", "所属行业": "新材料",
            "投资主体": "某公司", "计划总投资(万元)": 12000, "年度计划投资(万元)": 3000, "责任单位": "钵池街道",
            "包挂领导": "刘主任", "责任人": "王磊", "当前阶段": "签约", "签约日期": "2023-03-01"}
    base.update(kw)
    return [base.get(h) for h in HEADERS]


def xlsx(tmp_path, rows, headers=HEADERS, name="ledger.xlsx"):
    wb = Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)


def test_template_headers_in_order():
    assert [c.header for c in ledger_columns()] == HEADERS


@pytest.mark.django_db
class TestLifecycle:
    def test_no_completion_before_start(self, world, projects):
        p1, p2, *_ = projects
        with pytest.raises(ValidationError) as exc:
            services.project_transition(member=world.office, project=p2, stage="completed", on=D(2023, 9, 1))
        assert "尚未开工,不能先竣工" in str(exc.value)
        with pytest.raises(ValidationError, match="早于"):
            services.project_transition(member=world.office, project=p1, stage="completed", on=D(2023, 3, 1))
        p1 = services.project_transition(member=world.office, project=p1, stage="completed", on=D(2024, 5, 20))
        assert p1.stage == "completed"

    def test_suspend_needs_reason(self, world, projects):
        with pytest.raises(ValidationError):
            services.project_set_status(member=world.staff1, project=projects[0], status="suspended")
        p = services.project_set_status(member=world.staff1, project=projects[0], status="withdrawn", reason="投资方撤资")
        assert p.status == "withdrawn" and p.status_reason == "投资方撤资"

    def test_duplicate_code_in_zone(self, world, projects):
        with pytest.raises(ValidationError, match="P001"):
            services.project_create(member=world.office, zone=world.zone_a, code="P001", name="x", category="industry",
                                    unit=world.street1)

    def test_street_cannot_touch_other_street(self, world, projects):
        with pytest.raises(PermissionDenied):
            services.project_update(member=world.staff1, project=projects[2], name="改名")
        with pytest.raises(ValidationError) as exc:  # moving it out of one's scope: refused, naming the unit
            services.project_update(member=world.staff1, project=projects[0], unit=world.street2)
        assert exc.value.message_dict == {"unit": ["「枚乘街道」不在您的数据权限范围内。"]}
        assert Project.objects.get(pk=projects[0].pk).unit == world.street1

    def test_node_plan_series_and_parallel(self, world, projects):
        t = NodePlanTemplate.objects.create(zone=world.zone_a, name="审批链", category="industry")
        a = TemplateNode.objects.create(zone=world.zone_a, template=t, seq=1, name="立项", duration_days=10)
        b = TemplateNode.objects.create(zone=world.zone_a, template=t, seq=2, name="用地预审", duration_days=20, after=a)
        TemplateNode.objects.create(zone=world.zone_a, template=t, seq=3, name="环评", duration_days=30, after=a)
        TemplateNode.objects.create(zone=world.zone_a, template=t, seq=4, name="施工许可", duration_days=5, after=b)
        nodes = services.nodes_apply_template(member=world.office, project=projects[0], template=t, start=D(2023, 1, 1))
        dates = {n.name: (n.planned_start, n.planned_date) for n in nodes}
        assert dates["立项"] == (D(2023, 1, 1), D(2023, 1, 11))
        assert dates["用地预审"][0] == dates["环评"][0] == D(2023, 1, 11)  # in parallel after 立项
        assert dates["施工许可"] == (D(2023, 1, 31), D(2023, 2, 5))


@pytest.mark.django_db
class TestLagAndPerformance:
    def test_lagging_project_with_reason(self, world, projects):
        rows = selectors.lagging_projects(member=world.office, zone=world.zone_a, as_of=D(2023, 6, 1))
        lagging = {r["code"]: r for r in rows}
        assert "P002" in lagging and lagging["P002"]["light"] == "red" and lagging["P002"]["days_late"] == 31
        assert lagging["P002"]["reason"].startswith("计划开工日期2023-05-01已过,逾期31天未开工")
        assert "P001" not in lagging  # started four days late but started: caught up, history not a lag

    def test_performance_selector(self, world, projects):
        perf = selectors.project_performance(member=world.office, zone=world.zone_a, year=2023, month=6)
        assert perf["signed_count"] == 3 and perf["big_signed_count"] == 3 and perf["foreign_signed_count"] == 1
        assert (perf["started"], perf["start_base"]) == (1, 2)

    def test_battle_map_and_funnel(self, world, projects):
        bm = selectors.battle_map(member=world.office, zone=world.zone_a)
        cells = {r["unit"]: r["cells"] for r in bm["rows"]}
        assert cells["钵池街道"]["started"] == 1 and cells["钵池街道"]["signed"] == 1
        funnel = {f["stage"]: f["count"] for f in selectors.stage_funnel(member=world.office, zone=world.zone_a)}
        assert funnel["total"] == 3 and funnel["started"] == 1

    def test_street_sees_own_projects_only(self, world, projects):
        codes = set(selectors.project_list(member=world.staff1, zone=world.zone_a).values_list("code", flat=True))
        assert codes == {"P001", "P002"}


@pytest.mark.django_db
class TestProgress:
    def test_file_submit_return_approve(self, world, projects):
        p1 = projects[0]
        g = services.progress_save(member=world.staff1, project=p1, year=2023, month=5, invested_month=Decimal(800),
                                   physical_progress="桩基施工", problems="电力增容滞后", raise_ticket=True)
        assert g.state == "draft" and p1.tickets.count() == 1
        services.progress_save(member=world.staff1, project=p1, year=2023, month=6, invested_month=Decimal(700))
        assert ProjectProgress.objects.get(month=6).invested_ytd == Decimal(1500)
        services.progress_submit(member=world.staff1, progress=g)
        with pytest.raises(PermissionDenied):
            services.progress_review(member=world.staff1, progress=g, approve=True)
        services.progress_review(member=world.office, progress=g, approve=False, reason="数据有误")
        g.refresh_from_db()
        assert g.state == "returned"

    def test_negative_and_locked(self, world, projects):
        from tuijin.core.models import FilingPeriod

        with pytest.raises(ValidationError):
            services.progress_save(member=world.staff1, project=projects[0], year=2023, month=5,
                                   invested_month=Decimal(-1))
        FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=4, locked=True)
        with pytest.raises(ValidationError, match="锁定|locked"):
            services.progress_save(member=world.staff1, project=projects[0], year=2023, month=4,
                                   invested_month=Decimal(1))
        assert not ProjectProgress.objects.exists()


@pytest.mark.django_db
class TestLedgerImport:
    def test_import_upsert_and_export_round_trip(self, world, projects, tmp_path):
        f = xlsx(tmp_path, [row("X1"), row("X2", **{"当前阶段": "开工", "实际开工日期": "2023/4/1", "计划开工日期": "2023年3月20日",
                                                  "是否外资": "是", "计划总投资(万元)": "１２,３４５"}), row("P001", 项目名称="华瑞新能源项目(二期)")])
        code, out, err = run("import", "projects", f, "--zone", "za")
        assert code == 0, err
        assert "新增 2 条,更新 1 条" in out
        x2 = Project.objects.get(code="X2")
        assert x2.stage == "started" and x2.is_foreign and x2.planned_investment == Decimal(12345)
        assert ChangeLog.objects.filter(object_repr__startswith="P001", action="update", source="cli").exists()
        assert ChangeLog.objects.filter(object_repr__startswith="X2", action="create", source="cli").exists()
        out_file = tmp_path / "export.xlsx"
        assert run("export", "projects", "--zone", "za", "--out", str(out_file))[0] == 0
        code, out, err = run("import", "projects", str(out_file), "--zone", "za")
        assert code == 0 and "新增 0 条,更新 0 条" in out, err

    def test_dry_run(self, world, tmp_path):
        code, out, _ = run("import", "projects", xlsx(tmp_path, [row("X1")]), "--zone", "za", "--dry-run")
        assert code == 0 and "试导入" in out and not Project.objects.exists()

    def test_every_bad_input_reported_and_nothing_written(self, world, projects, tmp_path):
        rows = [row("X1", 责任单位="不存在单位"), row("X2", 当前阶段="完工"), row("X3"), row("X3"),
                row("X4", **{"计划总投资(万元)": "约一亿"}), row("X5", **{"年度计划投资(万元)": -5}),
                row("X6", 签约日期="2023-02-30"),
                row("X7", **{"当前阶段": "竣工", "实际竣工日期": "2023-05-01", "实际开工日期": "2023-06-01"}),
                row("X8", **{"当前阶段": "竣工", "实际竣工日期": "2023-05-01"}), row("X9")]
        code, out, err = run("import", "projects", xlsx(tmp_path, rows), "--zone", "za")
        lines = err.splitlines()
        assert code == 1
        assert "第2行 责任单位: 未知的责任单位「不存在单位」" in lines
        assert any(l.startswith("第3行 当前阶段: 「完工」不在可选值中") for l in lines)
        assert "第5行 项目编号: 「X3」与第4行重复" in lines
        assert "第6行 计划总投资(万元): 不是有效的数字「约一亿」" in lines
        assert "第7行 年度计划投资(万元): 不能为负数「-5」" in lines
        assert "第8行 签约日期: 日期不存在「2023-02-30」" in lines
        assert "第9行 实际竣工日期: 实际竣工日期2023-05-01早于实际开工日期2023-06-01" in lines
        assert "第10行 实际竣工日期: 尚未开工,不能先竣工" in lines
        assert len(lines) == 9, lines  # every row's problem, once; rows 4 and 11 are fine
        assert Project.objects.count() == 4

    def test_missing_and_renamed_headers(self, world, tmp_path):
        headers = [h if h != "计划总投资(万元)" else "总投资" for h in HEADERS][:-1]
        code, out, err = run("import", "projects", xlsx(tmp_path, [row("X1")[:-1]], headers=headers), "--zone", "za")
        assert code == 1 and "总投资: 不认识的表头" in err and "备注: 缺少此列表头" in err

    def test_csv_gbk_and_not_a_spreadsheet(self, world, tmp_path):
        import csv

        path = tmp_path / "ledger.csv"
        with open(path, "w", encoding="gbk", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            w.writerow(["" if v is None else v for v in row("C1")])
        assert run("import", "projects", str(path), "--zone", "za")[0] == 0
        bad = tmp_path / "x.xlsx"
        bad.write_bytes(b"%PDF-1.7 not a sheet\x00\x01")
        code, _, err = run("import", "projects", str(bad), "--zone", "za")
        assert code == 1 and "不是有效的 Excel 或 CSV 表格" in err

    def test_export_is_formula_safe(self, world, projects, tmp_path):
        services.project_update(member=world.office, project=projects[0], name="=cmd|' /C calc'!A0")
        out_file = tmp_path / "e.xlsx"
        run("export", "projects", "--zone", "za", "--out", str(out_file))
        ws = load_workbook(out_file).active
        names = [c.value for c in ws["B"]]
        assert "'=cmd|' /C calc'!A0" in names


@pytest.mark.django_db
class TestPagesAndApi:
    def test_ledger_page_filters_and_totals(self, world, projects, client_for):
        c = client_for(world.office)
        html = c.get("/projects/?foreign=1").content.decode()
        assert "恒信智造项目" in html and "华瑞新能源项目" not in html
        html = c.get("/projects/").content.decode()
        assert "60000" in html  # totals row over the three projects of zone A

    def test_ledger_query_count_does_not_grow_with_page_size(self, world, projects, client_for,
                                                              django_assert_max_num_queries):
        c = client_for(world.office)
        for i in range(30):
            services.project_create(member=world.office, zone=world.zone_a, code=f"Q{i:03d}", name=f"项目{i}",
                                    category="industry", unit=world.street1)
        c.get("/projects/?per_page=7")  # the top bar's counts, read from the cache by every page after the first
        with django_assert_max_num_queries(16) as small:
            c.get("/projects/?per_page=5")
        with django_assert_max_num_queries(16) as large:
            c.get("/projects/?per_page=30")
        assert len(large.captured_queries) == len(small.captured_queries)

    def test_street_pages_and_api_isolation(self, world, projects, client_for, api_for):
        c = client_for(world.staff1)
        assert c.get(f"/projects/{projects[2].pk}/").status_code == 404
        assert c.get(f"/projects/{projects[0].pk}/").status_code == 200
        api = api_for(world.staff1)
        codes = {p["code"] for p in api.get("/api/v1/projects/").json()["results"]}
        assert codes == {"P001", "P002"}
        assert api.patch(f"/api/v1/projects/{projects[2].pk}/", {"name": "x"}, format="json").status_code == 404
        r = api.post("/api/v1/projects/", {"code": "N1", "name": "越权", "category": "industry",
                                           "unit": world.street2.pk}, format="json")
        assert r.status_code == 400 and list(r.json()) == ["unit"] and not Project.objects.filter(code="N1").exists()
        r = api.post("/api/v1/projects/", {"code": "N1", "name": "他区", "category": "industry",
                                           "unit": world.street_b.pk}, format="json")
        assert r.status_code == 400 and "unit" in r.json()  # another zone's unit is not even a choice
        assert api_for(world.admin).get("/api/v1/projects/?limit=50").json()["count"] == 4

    def test_api_stage_order(self, world, projects, api_for):
        r = api_for(world.staff1).patch(f"/api/v1/projects/{projects[1].pk}/", {"completed_actual": "2023-08-01"},
                                        format="json")
        assert r.status_code == 400 and "尚未开工" in str(r.json())

    def test_project_page_shows_history_and_lag(self, world, projects, client_for):
        services.project_update(member=world.office, project=projects[1], sponsor="刘主任")
        html = client_for(world.office).get(f"/projects/{projects[1].pk}/").content.decode()
        assert "change-history" in html and "刘主任" in html and "timeline" in html

    def test_battle_map_and_performance_pages(self, world, projects, client_for):
        c = client_for(world.office)
        assert "battle-map" in c.get("/projects/battle-map/").content.decode()
        assert "开工率" in c.get("/projects/performance/?year=2023&month=6").content.decode()
        assert c.get("/projects/lagging/").status_code == 200
        assert c.get("/campaigns/").status_code == 200


@pytest.mark.django_db
def test_pages_survive_bad_query_strings(world, projects, client_for):
    c = client_for(world.office)
    for url in ("/projects/?per_page=abc", "/projects/?per_page=-3", "/projects/performance/?year=x&month=13",
                "/projects/?inv_min=abc&lagging=1", "/projects/search/?q=%00", "/projects/?q=%00&unit=x",
                "/projects/?campaign=1'", "/tickets/?unit=abc&state=x", "/tickets/suggest-unit/?text=%00&project=x",
                "/tickets/new/?project=1.5&progress=-1&task=%00"):
        # a NUL anywhere in the query is refused before the view (core.middleware.NulParameterMiddleware)
        assert c.get(url).status_code == (400 if "%00" in url else 200), url
    assert "恒信智造项目" not in c.get("/projects/?unit=x").content.decode()
