"""One write path: the project form (page), the REST API and the Excel import store the same project, or refuse the
same input naming the same field, because all three call projects.services."""
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tuijin.exchange.base import get_importer, run_import
from tuijin.projects import lifecycle
from tuijin.projects.exchange import ledger_columns
from tuijin.projects.models import Project

GOOD = {"code": "N1", "name": "新材料产业园项目", "category": "industry", "planned_investment": "12000",
        "unit": "street1", "stage": "started", "signed_actual": "2023-03-01", "started_planned": "2023-04-20",
        "started_actual": "2023-05-01", "sponsor": "韩立新"}
CASES = [
    # (id, changes to GOOD, fields the refusal names — None: stored, the same message on every path)
    ("good", {}, None, True),
    ("stage_without_its_date", {"stage": "capacity"}, {"stage"}, True),
    ("date_order", {"stage": "completed", "completed_actual": "2023-04-01"}, {"completed_actual"}, True),
    ("negative_investment", {"planned_investment": "-5"}, {"planned_investment"}, False),
    ("unit_outside_scope", {"unit": "street2"}, {"unit"}, True),
    ("code_of_another_units_project", {"code": "P003"}, {"code"}, True),
    ("huge_investment", {"planned_investment": "1e308"}, {"planned_investment"}, False),
    ("nan_investment", {"planned_investment": "NaN"}, {"planned_investment"}, False),
    ("infinite_investment", {"planned_investment": "Infinity"}, {"planned_investment"}, False),
    ("date_in_year_1", {"signed_actual": "0001-01-01"}, {"signed_actual"}, False),
    ("date_in_year_9999", {"started_planned": "9999-12-31"}, {"started_planned"}, False),
    ("longitude_off_the_globe", {"longitude": "200", "latitude": "33.6"}, {"longitude"}, False),
    ("latitude_off_the_globe", {"longitude": "119.1", "latitude": "-91"}, {"latitude"}, False),
    ("zero_width_in_name", {"name": "新材料\u200b产业园项目"}, {"name"}, False),
]
HEADER_FIELD = {c.header: c.field for c in ledger_columns()}
STORED = ["code", "name", "category", "planned_investment", "unit_id", "stage", "sponsor", "sponsor_member_id",
          *lifecycle.DATE_FIELDS]


def via_form(world, client_for, data):
    """The form names the sponsor leader as a member (the zone's leader of that name); the API and the ledger give
    the name, which links the same member."""
    from tuijin.org.models import Member

    post = {k: v for k, v in data.items() if k not in ("unit", "sponsor")}
    post["unit"] = getattr(world, data["unit"]).pk
    if data.get("sponsor"):
        post["sponsor_member"] = Member.objects.get(zone=world.zone_a, full_name=data["sponsor"]).pk
    r = client_for(world.staff1).post("/projects/new/", post)
    if r.status_code == 302:
        return None, {}
    assert r.status_code == 200
    return set(r.context["form"].errors), {k: list(v) for k, v in r.context["form"].errors.items()}


def via_api(world, api_for, data):
    body = dict(data, unit=getattr(world, data["unit"]).pk)
    r = api_for(world.staff1).post("/api/v1/projects/", body, format="json")
    if r.status_code == 201:
        return None, {}
    assert r.status_code == 400, r.content
    return set(r.json()), r.json()


def via_import(world, data):
    labels = {"category": dict(Project.Category.choices), "stage": dict(Project.Stage.choices)}
    values = {c.field: data.get(c.field) for c in ledger_columns()}
    values["unit"] = getattr(world, data["unit"]).name
    for f, names in labels.items():
        values[f] = names[data[f]]
    wb = Workbook()
    wb.active.append([c.header for c in ledger_columns()])
    wb.active.append([values[c.field] for c in ledger_columns()])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(get_importer("projects"), buf.getvalue(), "ledger.xlsx", zone=world.zone_a,
                         member=world.staff1)
    if outcome.ok:
        return None, {}
    assert outcome.errors, outcome.message
    fields = {HEADER_FIELD[e.column] for e in outcome.errors}
    return fields, {HEADER_FIELD[e.column]: [e.message] for e in outcome.errors}


@pytest.mark.django_db
@pytest.mark.parametrize("case, changes, refused, same_message", CASES, ids=[c[0] for c in CASES])
def test_form_api_and_import_agree(world, projects, client_for, api_for, case, changes, refused, same_message):
    world.leader.full_name = GOOD["sponsor"]  # the sponsor leader is a member of the zone
    world.leader.save()
    data = dict(GOOD, **changes)
    stored, messages = [], []
    for path in ("form", "api", "import"):
        before = set(Project.objects.values_list("pk", flat=True))
        if path == "form":
            fields, message = via_form(world, client_for, data)
        elif path == "api":
            fields, message = via_api(world, api_for, data)
        else:
            fields, message = via_import(world, data)
        made = Project.objects.exclude(pk__in=before)
        if refused is None:
            assert fields is None, (path, message)
            assert made.count() == 1, path
            stored.append({f: getattr(made.get(), f) for f in STORED})
            made.delete()
        else:
            assert fields == refused, (path, message)
            assert not made.exists(), path
            messages.append(message)
    if refused is None:
        assert stored[0] == stored[1] == stored[2]
        assert stored[0]["stage"] == "started" and stored[0]["unit_id"] == world.street1.pk
        assert stored[0]["sponsor_member_id"] == world.leader.pk
    elif same_message:
        assert messages[0] == messages[1] == messages[2], messages


@pytest.mark.django_db
def test_control_character_in_a_name_is_refused_by_form_and_api(world, projects, client_for, api_for):
    """An Excel file cannot hold a control character (openpyxl refuses to write one); the form and the API can."""
    world.leader.full_name = GOOD["sponsor"]
    world.leader.save()
    data = dict(GOOD, name="新材料\x07产业园项目")
    before = Project.objects.count()
    assert via_form(world, client_for, data)[0] == {"name"}
    assert via_api(world, api_for, data)[0] == {"name"}
    assert Project.objects.count() == before


@pytest.mark.django_db
def test_stated_stage_needs_its_date_and_cannot_lag_the_dates(world, projects):
    from django.core.exceptions import ValidationError

    from tuijin.projects import services

    base = dict(member=world.office, zone=world.zone_a, name="x", category="industry", unit=world.street1)
    with pytest.raises(ValidationError) as exc:
        services.project_create(code="S1", stage="capacity", **base)
    assert exc.value.message_dict == {"stage": ["当前阶段为「达产」,须填写实际达产日期"]}
    with pytest.raises(ValidationError) as exc:
        services.project_create(code="S1", stage="signed", signed_actual=dt.date(2023, 1, 5),
                                started_actual=dt.date(2023, 3, 1), **base)
    assert exc.value.message_dict == {"stage": ["当前阶段填的是「签约」,但日期显示已开工"]}
    p = services.project_create(code="S1", stage="planned", **base)
    assert p.stage == "planned"
    # An edit that states no stage follows the dates; a later edit does not reset a stage the dates show.
    p = services.project_update(member=world.office, project=p, capacity_actual=dt.date(2023, 3, 1),
                                signed_actual=dt.date(2023, 1, 5), started_actual=dt.date(2023, 1, 9),
                                completed_actual=dt.date(2023, 2, 1),
                                production_actual=dt.date(2023, 2, 20))
    assert p.stage == "capacity"
    p = services.project_update(member=world.office, project=p, name="改名")
    assert Project.objects.get(pk=p.pk).stage == "capacity"


@pytest.mark.django_db
def test_import_of_capacity_needs_its_date_then_stores_it(world, tmp_path):
    """达产 (and 注册, 供地) can be imported: the ledger carries every stage's actual date."""
    data = dict(GOOD, stage="capacity", unit="street1", completed_actual="2023-08-01", production_actual="2023-09-01")
    fields, message = via_import(world, data)
    assert fields == {"stage"} and message["stage"] == ["当前阶段为「达产」,须填写实际达产日期"]
    fields, _m = via_import(world, dict(data, capacity_actual="2023-10-01", registered_actual="2023-03-10",
                                        land_actual="2023-04-01"))
    assert fields is None
    p = Project.objects.get(code="N1")
    assert p.stage == "capacity" and str(p.capacity_actual) == "2023-10-01" and str(p.land_actual) == "2023-04-01"


@pytest.mark.django_db
def test_import_collects_every_row_and_writes_nothing(world, projects):
    """Errors of many rows at once, as 第N行 列名: 原因, and none of the good rows stored."""
    wb = Workbook()
    wb.active.append([c.header for c in ledger_columns()])
    good = {c.field: None for c in ledger_columns()}
    good.update(code="G1", name="好项目", category="产业项目", planned_investment=100, unit="钵池街道", stage="签约",
                signed_actual="2023-01-01")
    rows = [dict(good), dict(good, code="G2", stage="达产"), dict(good, code="G3", unit="枚乘街道"),
            dict(good, code="P003")]
    for r in rows:
        wb.active.append([r[c.field] for c in ledger_columns()])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(get_importer("projects"), buf.getvalue(), "x.xlsx", zone=world.zone_a, member=world.staff1)
    assert not outcome.ok
    assert [str(e) for e in outcome.errors] == [
        "第3行 当前阶段: 当前阶段为「达产」,须填写实际达产日期",
        "第4行 责任单位: 「枚乘街道」不在您的数据权限范围内。",
        "第5行 项目编号: 项目编号「P003」在本开发区已存在。",
    ]
    assert not Project.objects.filter(code__startswith="G").exists()


@pytest.mark.django_db
def test_import_of_ten_thousand_rows_runs_no_query_per_row(world, django_assert_max_num_queries):
    """The adapter preloads what the service would query row by row; the query count does not grow with rows."""
    from tuijin.core.scope import SYSTEM

    def file(n):
        wb = Workbook()
        wb.active.append([c.header for c in ledger_columns()])
        for i in range(n):
            row = {c.field: None for c in ledger_columns()}
            row.update(code=f"Q{i:05d}", name=f"项目{i}", category="产业项目", planned_investment=100, unit="钵池街道",
                       stage="签约", signed_actual="2023-01-01")
            wb.active.append([row[c.field] for c in ledger_columns()])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    counts = []
    for n, prefix in ((5, "a"), (400, "b")):
        with django_assert_max_num_queries(60) as captured:
            outcome = run_import(get_importer("projects"), file(n), f"{prefix}.xlsx", zone=world.zone_a,
                                 member=SYSTEM, dry_run=True)
        assert outcome.ok, outcome.errors[:3]
        counts.append(len(captured.captured_queries))
    assert counts[1] - counts[0] < 10, counts  # a few more bulk batches at most, never one per row


@pytest.mark.django_db
def test_ledger_page_preview_then_confirm_and_errors_marked(world, projects, client_for, settings, tmp_path):
    """The import page (upload → preview → confirm) runs the same adapter; a refused row is marked in the workbook."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from tuijin.core.models import ChangeLog

    settings.VAR_DIR = tmp_path
    url = "/exchange/projects/import/"

    def book(*changes):
        wb = Workbook()
        wb.active.append([c.header for c in ledger_columns()])
        for extra in changes:
            row = {c.field: None for c in ledger_columns()}
            row.update({"code": "W1", "name": "页面导入项目", "category": "产业项目", "planned_investment": 100,
                        "unit": "钵池街道", "stage": "签约", "signed_actual": "2023-01-01", **extra})
            wb.active.append([row[c.field] for c in ledger_columns()])
        buf = io.BytesIO()
        wb.save(buf)
        return SimpleUploadedFile("ledger.xlsx", buf.getvalue())

    c = client_for(world.staff1)
    r = c.post(url, {"file": book({})})
    assert "新增 1 条,更新 0 条,未变 0 条" in r.content.decode() and not Project.objects.filter(code="W1").exists()
    r = c.post(url, {"token": r.context["token"], "confirmed": "1"})
    assert r.status_code == 302 and Project.objects.get(code="W1").stage == "signed"
    assert ChangeLog.objects.filter(object_repr__startswith="W1", action="create", username="t_staff1").exists()
    r = c.post(url, {"file": book({"stage": "达产"})})
    html = r.content.decode()
    assert "第2行 当前阶段: 当前阶段为「达产」,须填写实际达产日期" in html
    marked = load_workbook(io.BytesIO(c.get(f"/exchange/errors/{r.context['error_token']}/").content)).active
    stage_col = [c.header for c in ledger_columns()].index("当前阶段") + 1
    assert marked.cell(row=2, column=stage_col).comment.text == "当前阶段为「达产」,须填写实际达产日期"
    assert Project.objects.get(code="W1").stage == "signed"


@pytest.mark.django_db
def test_import_checks_every_rows_field_types_even_after_similar_values(world):
    """The batch remembers values a field accepted; a value that differs in its digits is still checked."""
    from tuijin.core.scope import SYSTEM

    wb = Workbook()
    wb.active.append([c.header for c in ledger_columns()])
    for code, amount in (("D1", "100.5"), ("D2", "100.50"), ("D3", "100.505")):
        row = {c.field: None for c in ledger_columns()}
        row.update(code=code, name="x", category="产业项目", planned_investment=amount, unit="钵池街道", stage="签约",
                   signed_actual="2023-01-01")
        wb.active.append([row[c.field] for c in ledger_columns()])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(get_importer("projects"), buf.getvalue(), "x.xlsx", zone=world.zone_a, member=SYSTEM)
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "计划总投资(万元)")], outcome.errors


@pytest.mark.django_db
def test_another_zones_campaign_is_refused_by_form_and_api(world, projects, client_for, api_for):
    """A project is linked to a campaign of its own zone only: another zone's campaign id is refused on every way in,
    for a new project and for an edit, and nothing is stored."""
    from tuijin.campaigns.services import campaign_create

    world.leader.full_name = GOOD["sponsor"]
    world.leader.save()
    own = campaign_create(member=world.office, zone=world.zone_a, year=2023, theme="项目落地年")
    foreign = campaign_create(member=world.office_b, zone=world.zone_b, year=2023, theme="工业服务年")
    before = Project.objects.count()
    assert via_form(world, client_for, dict(GOOD, campaign=foreign.pk))[0] == {"campaign"}
    assert via_api(world, api_for, dict(GOOD, campaign=foreign.pk))[0] == {"campaign"}
    assert Project.objects.count() == before
    # the service itself, whatever a way in checked before it (the page and the API offer their own zone's only)
    from django.core.exceptions import ValidationError

    from tuijin.projects import services

    with pytest.raises(ValidationError) as exc:
        services.project_create(member=world.office, zone=world.zone_a, code="N9", name="新项目", category="industry",
                                unit=world.street1, campaign=foreign)
    assert set(exc.value.message_dict) == {"campaign"}
    p1 = projects[0]
    with pytest.raises(ValidationError):
        services.project_update(member=world.office, project=p1, campaign=foreign)
    r = api_for(world.staff1).patch(f"/api/v1/projects/{p1.pk}/", {"campaign": foreign.pk}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"campaign"}, r.content
    r = api_for(world.staff1).patch(f"/api/v1/projects/{p1.pk}/", {"campaign": own.pk}, format="json")
    assert r.status_code == 200, r.content
    p1.refresh_from_db()
    assert p1.campaign_id == own.pk


@pytest.mark.django_db
def test_refusing_a_sponsor_does_not_name_a_member_outside_the_callers_scope(world, projects, api_for):
    """A street names another unit's member as sponsor leader: refused without saying who the id is (members outside
    one's scope are not readable); its own unit's member is named, as the street reads it anyway."""
    world.staff2.full_name = "周宁"
    world.staff2.save()
    world.staff1.full_name = "陈静"
    world.staff1.save()
    p1 = projects[0]
    r = api_for(world.staff1).patch(f"/api/v1/projects/{p1.pk}/", {"sponsor_member": world.staff2.pk}, format="json")
    assert r.status_code == 400 and "周宁" not in r.content.decode() and "sponsor_member" in r.json(), r.content
    r = api_for(world.staff1).patch(f"/api/v1/projects/{p1.pk}/", {"sponsor_member": world.staff1.pk}, format="json")
    assert r.status_code == 400 and "陈静" in r.content.decode(), r.content
    p1.refresh_from_db()
    assert p1.sponsor_member_id is None
