"""Targets and actuals by CLI and by page: all-or-nothing, `第N行 列名: 原因` on stderr, non-zero exit."""
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from tuijin.core.models import ChangeLog
from tuijin.indicators.models import Actual, Target
from tuijin.core.models import FilingPeriod

ACT = ["年度", "月份", "责任单位", "指标", "本年累计", "上年同期累计"]
TGT = ["年度", "责任单位", "指标", "目标值"]
XLS = Path(__file__).resolve().parents[2] / "exchange" / "tests" / "data" / "actuals_sample.xls"


def write(tmp_path, rows, name="f.xlsx"):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError:
        code = 1
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestTargetsImport:
    def test_ok_then_reimport_unchanged(self, world, cat, tmp_path):
        f = write(tmp_path, [TGT, [2023, "全区", "一般公共预算收入", 20], [2023, "钵池街道", "一般公共预算收入", "10.5"],
                             [2023, "枚乘街道", "exports", 8]])
        code, out, err = run("import", "targets", f, "--zone", "za")
        assert code == 0, err
        assert "新增 3 条" in out
        assert Target.objects.get(unit__isnull=True).value == Decimal("200000")
        code, out, _ = run("import", "targets", f, "--zone", "za")
        assert "未变 3 条" in out

    def test_bad_rows_write_nothing(self, world, cat, tmp_path):
        f = write(tmp_path, [TGT, [2023, "钵池街道", "一般公共预算收入", 0], [2023, "不存在街道", "一般公共预算收入", 5],
                             [2023, "钵池街道", "不存在指标", 5], [2023, "钵池街道", "税占比", 90],
                             [2023, "枚乘街道", "出口", "很多"], [2023, "钵池街道", "出口", -3]])
        code, out, err = run("import", "targets", f, "--zone", "za")
        lines = err.strip().splitlines()
        assert code == 1
        assert "第3行 责任单位: 未知的责任单位「不存在街道」,或不在您的数据权限范围内" in lines
        assert "第4行 指标: 未知的指标「不存在指标」" in lines
        assert "第6行 目标值: 不是有效的数字「很多」" in lines
        assert any(l.startswith("第2行 目标值: 目标值必须大于0") for l in lines)
        assert any(l.startswith("第5行 指标: 「税占比」由其他指标计算得出") for l in lines)
        assert Target.objects.count() == 0


@pytest.mark.django_db
class TestActualsImport:
    def test_cli_import_stores_drafts_unless_told_and_is_logged(self, world, cat, tmp_path):
        f = write(tmp_path, [ACT, [2023, 6, "钵池街道", "一般公共预算收入", 5.6, 4.0], [2023, 6, "枚乘街道", "出口", "１２.5", None]])
        code, out, err = run("import", "actuals", f, "--zone", "za")
        assert code == 0, err
        assert set(Actual.objects.values_list("state", flat=True)) == {"draft"}
        code, out, err = run("import", "actuals", f, "--zone", "za", "--set", "state=approved")
        assert code == 0, err
        a = Actual.objects.get(unit=world.street1)
        assert a.state == "approved" and a.ytd == Decimal("56000") and a.last_year_ytd == Decimal("40000")
        with pytest.raises(CommandError, match="选项「导入后」不能取「done」"):
            call_command("import", "actuals", f, "--zone", "za", "--set", "state=done")
        assert ChangeLog.objects.filter(object_repr__contains="钵池街道", source="cli").exists()
        assert FilingPeriod.objects.filter(year=2023, month=6).exists()

    def test_xls_file(self, world, cat):
        code, out, err = run("import", "actuals", str(XLS), "--zone", "za")
        assert code == 0, err
        assert Actual.objects.get(unit=world.street2).ytd == Decimal("125000")

    def test_dry_run_writes_nothing(self, world, cat, tmp_path):
        f = write(tmp_path, [ACT, [2023, 6, "钵池街道", "出口", 1, None]])
        code, out, _ = run("import", "actuals", f, "--zone", "za", "--dry-run")
        assert code == 0 and "试导入" in out and not Actual.objects.exists()

    def test_every_bad_input(self, world, cat, tmp_path):
        FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=5, locked=True)
        f = write(tmp_path, [ACT,
                             [2023, 5, "钵池街道", "出口", 1, None],          # locked month
                             [2023, 13, "钵池街道", "出口", 1, None],         # month outside 1—12
                             [2023, 6, "钵池街道", "税占比", 93, None],       # computed indicator
                             [2023, 6, "无名街道", "出口", 1, None],          # unknown unit
                             [2023, 6, "钵池街道", "出口", "一亿", None],     # text in a number cell
                             [2023, 6, "枚乘街道", "出口", 2, None],
                             [2023, 6, "枚乘街道", "出口", 3, None]])         # duplicate row
        code, out, err = run("import", "actuals", f, "--zone", "za")
        lines = err.strip().splitlines()
        assert code == 1
        assert any(l.startswith("第2行 月份: 2023年5月已锁定") for l in lines)
        assert any(l.startswith("第3行 月份: 不能大于 12") for l in lines)
        assert any(l.startswith("第4行 指标: 「税占比」是计算指标") for l in lines)
        assert any(l.startswith("第2行 月份: 2023年5月已锁定") for l in lines)
        assert "第5行 责任单位: 未知的责任单位「无名街道」,或不在您的数据权限范围内" in lines
        assert "第6行 本年累计: 不是有效的数字「一亿」" in lines
        assert "第8行 指标: 与第7行重复(同一年月、单位、指标)" in lines
        assert Actual.objects.count() == 0

    def test_jump_and_fall_need_confirm(self, world, cat, tmp_path):
        f = write(tmp_path, [ACT, [2023, 4, "钵池街道", "一般公共预算收入", 3, None],
                             [2023, 5, "钵池街道", "一般公共预算收入", 2.9, None],
                             [2023, 6, "钵池街道", "一般公共预算收入", 31000, None]])
        code, out, err = run("import", "actuals", f, "--zone", "za")
        assert code == 1 and "需确认" in err and "上月" in err and "万元" in err
        assert Actual.objects.count() == 0
        code, out, err = run("import", "actuals", f, "--zone", "za", "--confirm")
        assert code == 0 and Actual.objects.count() == 3

    def test_unknown_zone_and_missing_file(self, world, cat, tmp_path):
        assert run("import", "actuals", "/nope.xlsx", "--zone", "za")[0] == 1
        f = write(tmp_path, [ACT])
        assert run("import", "actuals", f, "--zone", "nowhere")[0] == 1
        code, _, err = run("import", "actuals", f, "--zone", "za")
        assert code == 1


@pytest.mark.django_db
class TestImportPage:
    def test_preview_then_confirm(self, world, cat, client_for, tmp_path):
        c = client_for(world.staff1)
        f = write(tmp_path, [ACT, [2023, 6, "钵池街道", "出口", 1.5, 1.2]])
        with open(f, "rb") as fh:
            r = c.post("/exchange/actuals/import/", {"file": fh})
        html = r.content.decode()
        assert "import-preview" in html and "新增 1 条" in html and not Actual.objects.exists()
        token = r.context["token"]
        r = c.post("/exchange/actuals/import/", {"token": token, "confirmed": "1"})
        assert r.status_code == 302
        assert Actual.objects.get().state == "draft"  # staff filings wait for review

    def test_errors_listed_with_marked_workbook(self, world, cat, client_for, tmp_path):
        c = client_for(world.staff1)
        f = write(tmp_path, [ACT, [2023, 6, "枚乘街道", "出口", 1.5, None], [2023, 6, "钵池街道", "出口", "abc", None]])
        with open(f, "rb") as fh:
            r = c.post("/exchange/actuals/import/", {"file": fh})
        html = r.content.decode()
        assert "第2行 责任单位: 未知的责任单位「枚乘街道」,或不在您的数据权限范围内" in html
        assert "第3行 本年累计: 不是有效的数字「abc」" in html
        r2 = c.get(f"/exchange/errors/{r.context['error_token']}/")
        assert r2.status_code == 200 and r2["Content-Type"].startswith("application/vnd.openxmlformats")
        assert client_for(world.staff2).get(f"/exchange/errors/{r.context['error_token']}/").status_code == 403

    def test_template_download_has_headers_in_order(self, world, cat, client_for):
        from openpyxl import load_workbook

        r = client_for(world.office).get("/exchange/actuals/template/")
        ws = load_workbook(io.BytesIO(r.content)).active
        assert [c.value for c in ws[1]] == ACT
        r = client_for(world.office).get("/exchange/targets/template/")
        assert [c.value for c in load_workbook(io.BytesIO(r.content)).active[1]] == TGT

    def test_leader_cannot_import(self, world, cat, client_for):
        assert client_for(world.leader).get("/exchange/actuals/import/").status_code == 403


@pytest.mark.django_db
def test_export_reimports_unchanged(world, filed, tmp_path):
    out = tmp_path / "a.xlsx"
    assert run("export", "actuals", "--zone", "za", "--out", str(out))[0] == 0
    code, text, err = run("import", "actuals", str(out), "--zone", "za", "--set", "state=approved")
    assert code == 0, err
    assert "新增 0 条,更新 0 条" in text
