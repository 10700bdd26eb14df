"""One write path: the page, the REST API, the Excel import and the command line store the same enterprise and the
same figures, or refuse the same input naming the same field, because all of them call enterprises.services."""
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tuijin.enterprises.exchange import HEADERS, enterprise_columns
from tuijin.enterprises.models import Enterprise, EnterpriseYear
from tuijin.exchange.base import get_importer, run_import

from .conftest import code

pytestmark = pytest.mark.django_db
FIELD_OF = {header: field for field, header in HEADERS.items()}
PATHS = ("form", "api", "import", "cli")

# ---- the enterprise itself ---------------------------------------------------------------------------------------

GOOD = {"credit_code": code(42), "name": "砚禾智能装备有限公司", "unit": "street1", "industry": "专用设备制造业",
        "address": "科技路18号", "land_area": "56.5"}
CASES = [
    # (id, changes to GOOD, the refusal: field → message, or None when stored)
    ("good", {}, None),
    ("code_as_typed", {"credit_code": " " + code(42).lower()}, None),
    ("wrong_check_character", {"credit_code": code(42)[:17] + ("0" if code(42)[17] != "0" else "1")},
     {"credit_code": [f"第18位校验码应为{code(42)[17]},而不是{'0' if code(42)[17] != '0' else '1'}。"]}),
    ("short_code", {"credit_code": code(42)[:17]}, {"credit_code": ["统一社会信用代码应为18位,现为17位。"]}),
    ("name_in_the_register", {"name": "澄川精密机械有限公司"}, {"name": ["「澄川精密机械有限公司」已在企业名录中。"]}),
    ("negative_land", {"land_area": "-1"}, {"land_area": ["用地面积(亩)必须在0和1000000亩之间,而不是-1。"]}),
    ("land_three_decimals", {"land_area": "1.255"}, {"land_area": ["用地面积(亩)最多两位小数,而不是1.255。"]}),
    ("long_industry", {"industry": "制" * 61}, {"industry": ["所属行业不能超过60个字。"]}),
]
STORED = ("credit_code", "name", "unit_id", "industry", "address", "land_area")


def workbook(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    columns = enterprise_columns()
    ws.append([c.header for c in columns])
    for row in rows:
        ws.append([row.get(c.field) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_row(world, data) -> dict:
    row = dict(data, unit=getattr(world, data["unit"]).name)
    return row


def errors_of_cli(err: str) -> dict:
    out: dict = {}
    for line in err.strip().splitlines():
        head, message = line.split(": ", 1)
        out.setdefault(FIELD_OF[head.split(" ", 1)[1]], []).append(message)
    return out


def via(path, world, client_for, api_for, data, tmp_path, *, year=None, enterprise=None):
    """Send ``data`` in by one path as the office; returns None (stored) or the refusal by field."""
    if path == "form":
        c = client_for(world.office)
        if year is None:
            post = dict(data, unit=getattr(world, data["unit"]).pk)
            r = c.post("/enterprises/new/", post)
        else:
            post = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
            r = c.post(f"/enterprises/{enterprise.pk}/years/{year}/", post)
        if r.status_code == 302:
            return None
        assert r.status_code == 200
        return {k: list(v) for k, v in r.context["form"].errors.items()}
    if path == "api":
        api = api_for(world.office)
        if year is None:
            r = api.post("/api/v1/enterprises/", dict(data, unit=getattr(world, data["unit"]).pk), format="json")
            ok = 201
        else:
            r = api.post(f"/api/v1/enterprises/{enterprise.pk}/years/", dict(data, year=year), format="json")
            ok = 200
        if r.status_code == ok:
            return None
        assert r.status_code == 400, r.content
        return r.json()
    if year is None:
        rows = [import_row(world, data)]
        use_year = 2022
    else:
        rows = [{"credit_code": enterprise.credit_code, "name": enterprise.name, "unit": enterprise.unit.name,
                 "industry": enterprise.industry, "address": enterprise.address, "land_area": enterprise.land_area,
                 **data}]
        use_year = year
    content = workbook(rows)
    if path == "import":
        outcome = run_import(get_importer("enterprises"), content, "企业.xlsx", zone=world.zone_a,
                             member=world.office, options={"year": str(use_year)})
        if outcome.ok:
            return None
        assert outcome.errors, outcome.message
        out: dict = {}
        for e in outcome.errors:
            out.setdefault(FIELD_OF[e.column], []).append(e.message)
        return out
    file = tmp_path / "企业.xlsx"
    file.write_bytes(content)
    err = io.StringIO()
    try:
        call_command("import", "enterprises", str(file), zone="za", year=str(use_year), stdout=io.StringIO(),
                     stderr=err)
    except CommandError:
        return errors_of_cli(err.getvalue())
    return None


@pytest.mark.parametrize("case, changes, refusal", CASES, ids=[c[0] for c in CASES])
def test_an_enterprise_by_every_way_in(world, enterprises, client_for, api_for, tmp_path, case, changes, refusal):
    data = dict(GOOD, **changes)
    stored = []
    for path in PATHS:
        before = set(Enterprise.objects.values_list("pk", flat=True))
        got = via(path, world, client_for, api_for, data, tmp_path)
        made = Enterprise.objects.exclude(pk__in=before)
        if refusal is None:
            assert got is None, (path, got)
            assert made.count() == 1, path
            stored.append({f: getattr(made.get(), f) for f in STORED})
            made.delete()
        else:
            assert got == refusal, path
            assert not made.exists(), path
    if refusal is None:
        assert stored[0] == stored[1] == stored[2] == stored[3]
        assert stored[0] == {"credit_code": code(42), "name": "砚禾智能装备有限公司", "unit_id": world.street1.pk,
                             "industry": "专用设备制造业", "address": "科技路18号", "land_area": Decimal("56.50")}


# ---- a year's figures --------------------------------------------------------------------------------------------

FIGURES = {"revenue": "12345.6", "tax": "321", "output": "13000", "value_added": "-20", "energy": "850.25",
           "rnd": "410", "employees": "215", "above_scale": True}
FIGURE_CASES = [
    ("good", {}, None),
    ("negative_revenue", {"revenue": "-5"}, {"revenue": ["营业收入(万元)不能为负数。"]}),
    ("three_decimals", {"tax": "1.255"}, {"tax": ["税收(万元)最多两位小数,而不是1.255。"]}),
    ("out_of_range", {"output": "2000000000"},
     {"output": ["工业总产值(万元):2,000,000,000 超出允许范围(绝对值不超过 1,000,000,000 万元)。"]}),
    ("too_many_people", {"employees": "20000000"}, {"employees": ["从业人员(人)必须在0和10000000之间,而不是20000000。"]}),
]
FIGURE_FIELDS = ("revenue", "tax", "output", "value_added", "energy", "rnd", "employees", "above_scale")


@pytest.mark.parametrize("case, changes, refusal", FIGURE_CASES, ids=[c[0] for c in FIGURE_CASES])
def test_figures_by_every_way_in(world, enterprises, client_for, api_for, tmp_path, case, changes, refusal):
    e1 = enterprises[0]
    data = dict(FIGURES, **changes)
    stored = []
    for path in PATHS:
        got = via(path, world, client_for, api_for, data, tmp_path, year=2023, enterprise=e1)
        row = EnterpriseYear.objects.filter(enterprise=e1, year=2023).first()
        if refusal is None:
            assert got is None, (path, got)
            stored.append({f: getattr(row, f) for f in FIGURE_FIELDS})
            row.delete()
        else:
            assert got == refusal, path
            assert row is None, path
    if refusal is None:
        assert stored[0] == stored[1] == stored[2] == stored[3]
        assert stored[0] == {"revenue": Decimal("12345.60"), "tax": Decimal(321), "output": Decimal(13000),
                             "value_added": Decimal(-20), "energy": Decimal("850.25"), "rnd": Decimal(410),
                             "employees": 215, "above_scale": True}


def test_another_zones_unit_is_refused_the_same_way_by_form_and_api(world, client_for, api_for):
    data = dict(GOOD, unit="street_b")
    r = client_for(world.office).post("/enterprises/new/", dict(data, unit=world.street_b.pk))
    assert r.status_code == 200 and r.context["form"].errors == {"unit": ["请选择本开发区的单位。"]}
    r = api_for(world.office).post("/api/v1/enterprises/", dict(data, unit=world.street_b.pk), format="json")
    assert r.status_code == 400 and r.json() == {"unit": ["请选择本开发区的单位。"]}
    # by name, the import finds no such unit in the zone
    outcome = run_import(get_importer("enterprises"), workbook([dict(data, unit="城南街道")]), "x.xlsx",
                         zone=world.zone_a, member=world.office, options={"year": "2022"})
    assert [str(e) for e in outcome.errors] == ["第2行 服务单位: 未知的服务单位「城南街道」"]
    assert not Enterprise.objects.filter(credit_code=code(42)).exists()


def test_staff_are_refused_the_same_way(world, enterprises, client_for, api_for):
    """A street's staff: no new enterprise, and not another unit's enterprise, on any path."""
    e1, e2, _ = enterprises
    assert client_for(world.staff1).post("/enterprises/new/", dict(GOOD, unit=world.street1.pk)).status_code == 403
    r = api_for(world.staff1).post("/api/v1/enterprises/", dict(GOOD, unit=world.street1.pk), format="json")
    assert r.status_code == 403 and r.json() == {"detail": "只有办公室可以执行此操作。"}
    outcome = run_import(get_importer("enterprises"), workbook([import_row(world, GOOD)]), "x.xlsx",
                         zone=world.zone_a, member=world.staff1, options={"year": "2022"})
    assert [str(e) for e in outcome.errors] == ["第2行 统一社会信用代码: 只有办公室可以执行此操作。"]
    # another unit's enterprise: not found on the page and the API, refused in the import
    assert client_for(world.staff1).post(f"/enterprises/{e2.pk}/edit/", {"name": "x"}).status_code == 404
    assert api_for(world.staff1).patch(f"/api/v1/enterprises/{e2.pk}/", {"name": "x"}, format="json").status_code == 404
    row = {"credit_code": e2.credit_code, "name": e2.name, "unit": "枚乘街道", "revenue": 1}
    outcome = run_import(get_importer("enterprises"), workbook([row]), "x.xlsx", zone=world.zone_a,
                         member=world.staff1, options={"year": "2022"})
    assert [str(e) for e in outcome.errors] == ["第2行 统一社会信用代码: 您无权修改此记录:它不在您的数据权限范围内。"]
    # their own: figures by the page, the API and the import alike
    assert client_for(world.staff1).post(f"/enterprises/{e1.pk}/years/2023/", {"revenue": "1"}).status_code == 302
    r = api_for(world.staff1).post(f"/api/v1/enterprises/{e1.pk}/years/", {"year": 2023, "revenue": "2"},
                                   format="json")
    assert r.status_code == 200 and r.json()["revenue"] == "2.00"
    row = {"credit_code": e1.credit_code, "name": e1.name, "unit": "钵池街道", "industry": e1.industry,
           "land_area": e1.land_area, "revenue": 3}
    outcome = run_import(get_importer("enterprises"), workbook([row]), "x.xlsx", zone=world.zone_a,
                         member=world.staff1, options={"year": "2023"})
    assert outcome.ok, outcome.errors
    assert EnterpriseYear.objects.get(enterprise=e1, year=2023).revenue == 3
