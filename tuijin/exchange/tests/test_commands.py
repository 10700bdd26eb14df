"""tuijin import / export / template: exit codes, `第N行 列名: 原因` on stderr, nothing written on error."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tuijin.core.changelog import history_for
from tuijin.core.models import ChangeLog
from tuijin.exchange.base import get_importer, importers
from tuijin.exchange.tests.helpers import xlsx
from tuijin.org.models import Unit

HEAD = ["单位名称", "类型", "上级单位", "考核分组", "排序"]
REPO = Path(__file__).resolve().parents[3]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        code = 1
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, rows, name="units.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def test_registry_finds_every_apps_importers(db):
    assert {"projects", "targets", "actuals"} <= set(importers())
    with pytest.raises(KeyError, match="未知的导入类型「nope」"):
        get_importer("nope")


@pytest.mark.django_db
class TestImport:
    def test_import_then_reimport_unchanged_recorded_as_command_line(self, world, unit_importer, tmp_path):
        f = write(tmp_path, [HEAD, ["新港园区", "园区", "党政办公室", "园区", 9], ["钵池街道", "街道", "党政办公室", "B", 1]])
        code, out, err = run("import", "test-units", f, "--zone", "za")
        assert code == 0, err
        assert out.strip() == "导入完成:新增 1 条,更新 1 条,未变 0 条"
        park = Unit.objects.get(zone=world.zone_a, name="新港园区")
        assert park.parent == world.office_unit and park.kind == "park" and park.sort_order == 9
        assert Unit.objects.get(pk=world.street1.pk).group == "B"
        log = history_for(park).get(action="create")
        assert (log.username, log.source) == ("命令行", "cli")
        code, out, _ = run("import", "test-units", f, "--zone", "za")
        assert code == 0 and out.strip() == "导入完成:新增 0 条,更新 0 条,未变 2 条"

    def test_dry_run_writes_nothing_and_lists_changes(self, world, unit_importer, tmp_path):
        f = write(tmp_path, [HEAD, ["新港园区", "园区", None, None, None]])
        code, out, _ = run("import", "test-units", f, "--zone", "za", "--dry-run", "--verbosity", "2")
        assert code == 0
        assert out.splitlines() == ["试导入(未写入):新增 1 条,更新 0 条,未变 0 条", "第2行 新增 新港园区: park"]
        assert not Unit.objects.filter(name="新港园区").exists()

    def test_any_error_prints_every_line_and_writes_nothing(self, world, unit_importer, tmp_path):
        rows = [HEAD, ["新港园区", "园区", None, None, 1],  # fine on its own
                ["东区", "片区", None, None, "-1"], ["西区", "街道", "无名单位", None, "约3"],
                ["新港园区", "园区", None, None, None], [None, "街道", None, None, None]]
        before = Unit.objects.count(), ChangeLog.objects.count()
        code, out, err = run("import", "test-units", write(tmp_path, rows), "--zone", "za")
        assert code == 1 and out == ""
        lines = err.splitlines()
        assert lines[:-1] == [
            "第3行 类型: 「片区」不在可选值中:办公室、部门、街道、镇、园区",
            "第3行 排序: 不能为负数「-1」",
            "第4行 排序: 不是有效的数字「约3」",
            "第5行 单位名称: 「新港园区」与第2行重复",
            "第6行 单位名称: 不能为空",
        ]
        assert lines[-1] == "CommandError: 发现 5 处错误,未导入任何数据"
        assert (Unit.objects.count(), ChangeLog.objects.count()) == before

    def test_database_errors_come_with_cell_errors(self, world, unit_importer, tmp_path):
        rows = [HEAD, ["西区", "街道", "无名单位", None, None], ["东区", "街道", None, None, "x"]]
        code, _, err = run("import", "test-units", write(tmp_path, rows), "--zone", "za")
        assert code == 1
        assert err.splitlines()[:2] == ["第2行 上级单位: 未知的上级单位「无名单位」", "第3行 排序: 不是有效的数字「x」"]
        assert not Unit.objects.filter(name__in=["西区", "东区"]).exists()

    def test_header_problems_each_on_a_line(self, world, unit_importer, tmp_path):
        f = write(tmp_path, [["单位名称", "单位类型", "上级单位", "上级单位"], ["甲", "街道", None, None]])
        code, _, err = run("import", "test-units", f, "--zone", "za")
        assert code == 1
        assert err.splitlines() == [
            "第1行 单位类型: 不认识的表头(第2列),是否应为「类型」?",
            "第1行 上级单位: 表头重复(第4列)",
            "第1行 类型: 缺少此列表头",
            "第1行 考核分组: 缺少此列表头",
            "第1行 排序: 缺少此列表头",
            "CommandError: 表头与模板不符(5 处),未导入任何数据",
        ]

    @pytest.mark.parametrize("content, message", [
        (b"%PDF-1.7 not a table \x00\x01", "文件不是有效的 Excel 或 CSV 表格"),
        (b"", "文件是空的"),
        ("单位名称,类型,上级单位,考核分组,排序\n".encode("gbk"), "只有表头,没有数据行"),
    ])
    def test_file_problems(self, world, unit_importer, tmp_path, content, message):
        path = tmp_path / "x.xlsx"
        path.write_bytes(content)
        code, _, err = run("import", "test-units", str(path), "--zone", "za")
        assert code == 1 and message in err

    def test_bad_arguments(self, world, unit_importer, tmp_path):
        f = write(tmp_path, [HEAD])
        assert "未知的开发区代码「nowhere」" in run("import", "test-units", f, "--zone", "nowhere")[2]
        assert "找不到文件" in run("import", "test-units", str(tmp_path / "none.xlsx"), "--zone", "za")[2]
        assert "未知的导入类型「nope」" in run("import", "nope", f, "--zone", "za")[2]

    def test_file_over_the_limit_is_refused_before_reading(self, world, unit_importer, tmp_path, monkeypatch):
        from tuijin.sheets import reading

        monkeypatch.setattr(reading, "MAX_BYTES", 100)
        monkeypatch.setattr(reading.check_size, "__defaults__", (100,))
        f = write(tmp_path, [HEAD, ["甲", "街道", None, None, None]])
        code, _, err = run("import", "test-units", f, "--zone", "za")
        assert code == 1 and "文件过大" in err


@pytest.mark.django_db
def test_export_reimports_unchanged_and_template_has_lists(world, unit_importer, tmp_path):
    out = tmp_path / "units.xlsx"
    code, text, _ = run("export", "test-units", "--zone", "za", "--out", str(out))
    assert code == 0 and text.strip() == f"已导出 4 行到 {out}"
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == HEAD and ws["A2"].value == "党政办公室"
    code, text, err = run("import", "test-units", str(out), "--zone", "za")
    assert code == 0, err
    assert text.strip() == "导入完成:新增 0 条,更新 0 条,未变 4 条"
    code, text, _ = run("export", "test-units", "--zone", "za", "--out", str(out), "--filter", "kind=street")
    assert text.strip() == f"已导出 2 行到 {out}"
    assert run("export", "test-units", "--zone", "za", "--out", str(out), "--filter", "kind")[0] == 1
    tpl = tmp_path / "tpl.xlsx"
    assert run("template", "test-units", "--out", str(tpl))[0] == 0
    assert [c.value for c in load_workbook(tpl).active[1]] == HEAD
    assert run("template", "test-units", "--out", str(tpl), "--zone", "za")[0] == 0
    options = load_workbook(tpl)["选项"]
    assert [options.cell(row=r, column=3).value for r in range(1, 5)] == ["党政办公室", "钵池街道", "枚乘街道", "经济发展局"]


def test_real_command_line_exit_code_and_stderr(tmp_path):
    """The installed `tuijin` command itself: non-zero exit, one `第N行 列名: 原因` line per error on stderr."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(TUIJIN_TESTING="1", TUIJIN_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    tuijin = [sys.executable, "-m", "tuijin"]

    def sh(*args):
        return subprocess.run([*tuijin, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    assert sh("migrate", "-v0").returncode == 0
    assert sh("shell", "--no-imports", "-c", "from tuijin.org.services import zone_create; zone_create(code='zx', name='X开发区')"
              ).returncode == 0
    from tuijin.projects.exchange import ledger_columns

    header = [c.header for c in ledger_columns()]
    bad = dict.fromkeys(header, "")
    bad.update({"项目编号": "X1", "项目名称": "甲", "项目类别": "产业项目", "计划总投资(万元)": "约一亿", "当前阶段": "签约",
                "签约日期": "2023-02-30"})
    path = tmp_path / "ledger.csv"
    path.write_text(",".join(header) + "\n" + ",".join(bad[h] for h in header) + "\n", encoding="gbk")
    r = sh("import", "projects", str(path), "--zone", "zx")
    assert r.returncode != 0
    lines = r.stderr.splitlines()
    assert "第2行 计划总投资(万元): 不是有效的数字「约一亿」" in lines
    assert "第2行 签约日期: 日期不存在「2023-02-30」" in lines
    assert "第2行 责任单位: 不能为空" in lines
    r = sh("shell", "--no-imports", "-c", "from tuijin.projects.models import Project; print(Project.objects.count())")
    assert r.stdout.strip() == "0"
