"""Reading files: real type from the bytes, encodings, limits, merged cells, formulas, row numbering."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tuijin.sheets.tabular import FileProblem, parse_table, read_table
from tuijin.exchange.tests.helpers import COLS, HEAD, patch_sheet_xml, xlsx

DATA = Path(__file__).parent / "data"


def test_xlsx_rows_numbered_as_the_spreadsheet_shows_them():
    data = xlsx([HEAD, ["P1", 1234.5, dt.datetime(2023, 3, 1), "是", "产业项目"], [None] * 5, ["", " ", None],
                 ["P2", "1,234.5", "2023年3月1日", "否", "基础设施项目"]])
    table = read_table(data, "a.xlsx")
    assert table.header_row == 1 and table.headers == HEAD
    result = parse_table(table, COLS, key="code")
    assert result.ok
    assert [r.number for r in result.rows] == [2, 5]  # blank rows skipped, numbering kept
    assert result.rows[1].values == {"code": "P2", "amount": Decimal("1234.5"), "signed": dt.date(2023, 3, 1),
                                     "foreign": False, "category": "infra"}


def test_blank_rows_and_columns_before_the_table_keep_spreadsheet_numbers():
    rows = [[], [], [None, *HEAD], [None, "P1", "约100", None, None, None]]
    table = read_table(xlsx(rows), "a.xlsx")
    assert table.header_row == 3 and table.headers[1:] == HEAD
    result = parse_table(table, COLS)
    assert [str(e) for e in result.errors] == ["第4行 计划总投资(万元): 不是有效的数字「约100」"]


def test_extension_is_ignored_the_bytes_decide():
    data = xlsx([HEAD, ["P1", 1, None, None, None]])
    assert read_table(data, "ledger.csv").rows[0][1][0] == "P1"
    text = ",".join(HEAD) + "\nP1,2,,,\n"
    assert read_table(text.encode(), "ledger.xlsx").rows[0][1][:2] == ["P1", "2"]


def test_xls_read_with_calamine_including_merged_ranges():
    table = read_table((DATA / "ledger_sample.xls").read_bytes(), "ledger_sample.xls")
    assert table.sheet == "台账" and table.headers == HEAD
    result = parse_table(table, COLS)
    assert [r.values["amount"] for r in result.rows] == [Decimal("1234.5"), Decimal(123), Decimal(50)]
    assert all(r.values["signed"] == dt.date(2023, 3, 1) for r in result.rows)
    assert [str(e) for e in result.errors] == [
        "第5行 计划总投资(万元): 位于合并单元格 B4:B5 中,本行没有值(请取消合并,在每行填写)"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_the_encodings_offices_save(encoding):
    text = ",".join(HEAD) + "\r\nP1,\"1,234.5\",2023/3/1,是,产业项目\r\n项目二,１２３,2023年3月1日,否,基础设施项目\r\n"
    result = parse_table(read_table(text.encode(encoding), "a.csv"), COLS)
    assert result.ok, result.errors
    assert [r.values["amount"] for r in result.rows] == [Decimal("1234.5"), Decimal(123)]
    assert result.rows[1].values["code"] == "项目二"


def test_tab_separated_text():
    text = "\t".join(HEAD) + "\nP1\t1,234.5\t\t\t\n"
    result = parse_table(read_table(text.encode("utf-8"), "a.txt"), COLS)
    assert result.ok and result.rows[0].values["amount"] == Decimal("1234.5")


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "文件不是有效的 Excel 或 CSV 表格"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文件不是有效的 Excel 或 CSV 表格"),
    (b"PK\x03\x04garbage-that-is-no-zip", "文件不是有效的 Excel 或 CSV 表格"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "文件不是有效的 Excel 或 CSV 表格"),
    ("<html><body><table><tr><td>项目编号</td></tr></table>".encode(), "网页(HTML/XML)格式"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "另存为 .xlsx"),
    (b"", "文件是空的"),
])
def test_not_a_spreadsheet(data, words):
    with pytest.raises(FileProblem) as exc:
        read_table(data, "x.xlsx")
    assert words in exc.value.message


def test_a_word_document_is_not_a_spreadsheet():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileProblem, match="文件不是有效的 Excel 或 CSV 表格"):
        read_table(out.getvalue(), "x.xlsx")


def test_empty_sheet_and_empty_csv():
    with pytest.raises(FileProblem) as exc:
        read_table(xlsx([], title="台账"), "x.xlsx")
    assert exc.value.message == "工作表「台账」是空的:没有表头,也没有数据"
    with pytest.raises(FileProblem, match="是空的"):
        read_table(b"\r\n,,,\r\n", "x.csv")


def test_size_and_row_limits_give_a_message_not_a_crash():
    with pytest.raises(FileProblem) as exc:
        read_table(b"a" * (3 * 1024 * 1024), "x.csv", max_bytes=2 * 1024 * 1024)
    assert exc.value.message.startswith("文件过大(3.0 MB):单个文件不能超过 2 MB")
    big = "项目编号\n" + "\n".join(f"P{i}" for i in range(20))
    with pytest.raises(FileProblem, match="数据行过多:单次导入不能超过 10 行"):
        read_table(big.encode(), "x.csv", max_rows=10)
    rows = [HEAD] + [[f"P{i}", i, None, None, None] for i in range(30)]
    with pytest.raises(FileProblem, match="数据行过多"):
        read_table(xlsx(rows), "x.xlsx", max_rows=25)
    assert len(read_table(xlsx(rows), "x.xlsx", max_rows=30).rows) == 30


def test_real_default_limits_hold_a_huge_file():
    from tuijin.sheets.tabular import MAX_BYTES, MAX_ROWS

    assert MAX_BYTES == 20 * 1024 * 1024 and MAX_ROWS == 100_000
    with pytest.raises(FileProblem, match="文件过大"):
        read_table(b"x," * (MAX_BYTES // 2 + 1), "huge.csv")
    lines = "项目编号\n" + "P\n" * (MAX_ROWS + 1)
    with pytest.raises(FileProblem, match="数据行过多"):
        read_table(lines.encode(), "many.csv")


def test_first_visible_sheet_is_read():
    data = xlsx([HEAD, ["P1", 1, None, None, None]], sheets=[("旧表", "first", [["别的"], ["x"]])])
    table = read_table(data, "x.xlsx")
    assert table.headers == HEAD and len(table.rows) == 1


def test_formula_without_saved_value_is_reported():
    data = xlsx([HEAD, ["P1", None, None, None, None], ["P2", 5, None, None, None]],
                cells={"B2": "=1+1", "C3": "=TODAY()"})
    result = parse_table(read_table(data, "a.xlsx"), COLS)
    assert [str(e) for e in result.errors] == [
        "第2行 计划总投资(万元): 公式没有保存计算结果(请在 Excel 中打开并保存,或改为填写数值)",
        "第3行 签约日期: 公式没有保存计算结果(请在 Excel 中打开并保存,或改为填写数值)"]


def test_formula_with_saved_value_is_read_and_error_values_reported():
    data = xlsx([HEAD, ["P1", 1, None, None, None], ["P2", 2, None, None, None]])
    data = patch_sheet_xml(data, '<c r="B2" t="n"><v>1</v></c>', '<c r="B2"><f>2*3</f><v>6</v></c>')
    data = patch_sheet_xml(data, '<c r="B3" t="n"><v>2</v></c>', '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    result = parse_table(read_table(data, "a.xlsx"), COLS)
    assert result.rows[0].values["amount"] == Decimal(6)
    assert [str(e) for e in result.errors] == [
        "第3行 计划总投资(万元): 单元格是错误值#DIV/0!(公式计算出错,请改正公式或改填数值)"]


def test_the_core_needs_no_django():
    import subprocess
    import sys

    code = "import sys, tuijin.sheets.tabular; print(sorted(m for m in sys.modules if m.startswith('django')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "[]"


class TestZipBombs:
    """A file that unpacks to gigabytes is refused before any spreadsheet library reads it."""

    def _zip(self, parts: dict[str, bytes]) -> bytes:
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in parts.items():
                zf.writestr(name, body)
        return buf.getvalue()

    def test_a_part_with_an_absurd_ratio_is_refused(self):
        import pytest

        from tuijin.sheets.reading import FileProblem, read_table

        data = self._zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
        assert len(data) < 1024 * 1024  # 60 MB of zeros pack into well under a megabyte
        with pytest.raises(FileProblem, match="压缩比异常|解压后超过"):
            read_table(data, "bomb.xlsx")

    def test_too_many_cells_are_refused_while_streaming(self, monkeypatch):
        import random

        import pytest

        from tuijin.sheets import reading

        monkeypatch.setattr(reading, "MAX_CELLS", 50_000)
        rng = random.Random(1)
        rows = [b"<row r=\"%d\">" % r + b"".join(b"<c r=\"A%d\"><v>%d</v></c>" % (r, rng.randrange(10**9))
                                               for _ in range(100)) + b"</row>" for r in range(1, 600)]
        sheet = b"<worksheet><sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"
        with pytest.raises(reading.FileProblem, match="工作表过大"):
            reading.check_xlsx(self._zip({"xl/worksheets/sheet1.xml": sheet}))

    def test_declared_sizes_that_lie_do_not_help(self):
        """Every part is streamed and counted, so a small declared size cannot hide a large part."""
        import pytest

        from tuijin.sheets import reading

        data = self._zip({"xl/worksheets/sheet1.xml": b"<row>" + b"x" * (3 * 1024 * 1024)})
        old = reading.MAX_UNPACKED
        reading.MAX_UNPACKED = 2 * 1024 * 1024
        try:
            with pytest.raises(reading.FileProblem, match="解压后超过"):
                reading.check_xlsx(data)
        finally:
            reading.MAX_UNPACKED = old

    def test_a_normal_workbook_passes(self):
        import io

        from openpyxl import Workbook

        from tuijin.sheets.reading import read_table

        wb = Workbook()
        for i in range(2000):
            wb.active.append([f"P{i}", i, "钵池街道"])
        buf = io.BytesIO()
        wb.save(buf)
        assert len(read_table(buf.getvalue(), "ok.xlsx").rows) == 1999
