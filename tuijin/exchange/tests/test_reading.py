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


class TestFarCells:
    """A sheet whose cells reach far (A1 and XFD1048576) is refused before calamine reads it: calamine builds the
    whole grid from A1 to the farthest cell, so a 5 KB file would ask for gigabytes (550 GB for XFD1048576).

    Every test asks the check first, so without it a test fails instead of allocating: reads of a real bomb run
    in a child process with a memory limit."""

    @staticmethod
    def _sheet(data: bytes, edit) -> bytes:
        """``data`` with its first worksheet's XML passed through ``edit`` (str → str)."""
        import io
        import zipfile

        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                body = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    body = edit(body.decode()).encode()
                dst.writestr(item, body)
        return out.getvalue()

    def _far(self, col: str, row: int, dimension: str) -> bytes:
        """A1:B2 filled, plus one cell at ``col``+``row``; the <dimension> honest, lying (A1:B2) or absent."""
        import re

        def edit(xml):
            xml = xml.replace("</sheetData>", f'<row r="{row}"><c r="{col}{row}" t="n"><v>1</v></c></row></sheetData>')
            if dimension == "honest":
                return xml.replace('<dimension ref="A1:B2"/>', f'<dimension ref="A1:{col}{row}"/>')
            return re.sub(r"<dimension [^>]*/>", "", xml) if dimension == "absent" else xml

        return self._sheet(xlsx([["项目编号", "x"], ["P1", 1]]), edit)

    @staticmethod
    def _refused(data: bytes, check="check_xlsx") -> str:
        from tuijin.sheets import reading

        with pytest.raises(FileProblem) as exc:
            getattr(reading, check)(data)
        return exc.value.message

    @staticmethod
    def _read_in_child(data: bytes) -> str:
        """read_table in a child process allowed 1.5 GB: what it printed (the refusal), or a failed assertion."""
        import subprocess
        import sys

        code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))\n"
                "from tuijin.sheets.reading import FileProblem, read_table\n"
                "try:\n    read_table(sys.stdin.buffer.read(), 'bomb')\nexcept FileProblem as exc:\n"
                "    print(exc.message)\n")
        out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=120,
                             cwd=Path(__file__).resolve().parents[3])
        assert out.returncode == 0, out.stderr.decode(errors="replace")[-500:]
        return out.stdout.decode()

    @pytest.mark.parametrize("col, row", [("ZZ", 99000), ("XFD", 1048576)])
    @pytest.mark.parametrize("dimension", ["honest", "lying", "absent"])
    def test_a_far_cell_is_refused_whatever_the_dimension_says(self, col, row, dimension):
        data = self._far(col, row, dimension)
        assert len(data) < 10_000
        message = self._refused(data)
        assert message.startswith(f"工作表范围过大:最远的单元格是 {col}{row}(第 {row} 行")
        assert "单次导入不能超过 100000 行、1000 列" in message

    def test_the_bomb_read_gives_the_message_not_gigabytes(self):
        self._refused(self._far("XFD", 1048576, "absent"))
        assert "最远的单元格是 XFD1048576" in self._read_in_child(self._far("XFD", 1048576, "absent"))

    @pytest.mark.parametrize("rows, far", [
        ('<row r="150000"><c><v>1</v></c></row>', "第 150000 行"),  # a far row, its cell without a reference
        ('<row r="1048576" customHeight="1" ht="20"/>', "第 1048576 行"),  # a far row, no cell at all
        ("<row>" + "<c><v>1</v></c>" * 1200 + "</row>", "第 1200 列"),  # cells placed one after another
        ('<x:row xmlns:x="urn:x" r="3"><x:c r="B3"/>' + "<x:c><x:v>1</x:v></x:c>" * 1100 + "</x:row>", "第 1102 列"),
        ('<row r="3"><c r="A3" r="XFD3"><v>1</v></c></row>', "XFD3"),  # a repeated r: calamine takes the last
    ])
    def test_cells_without_references_are_placed_and_counted(self, rows, far):
        data = self._sheet(xlsx([["项目编号", "x"], ["P1", 1]]),
                           lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
        assert far in self._refused(data)

    def test_cells_without_references_still_read(self):
        """Some writers leave out r: rows and cells then follow each other, and the sheet reads as usual."""
        import re

        cells = "".join(f'<row>{"".join(f"<c><v>{v}</v></c>" for v in (r, r * 10))}</row>' for r in range(1, 4))
        data = self._sheet(xlsx([["a", "b"]]), lambda xml: re.sub(
            r"<sheetData>.*</sheetData>", f'<sheetData><row><c t="inlineStr"><is><t>a</t></is></c>'
                                          f'<c t="inlineStr"><is><t>b</t></is></c></row>{cells}</sheetData>', xml))
        table = read_table(data, "a.xlsx")
        assert table.headers == ["a", "b"] and [values for _n, values in table.rows] == [[1, 10], [2, 20], [3, 30]]

    def test_wide_but_legal_sheets_still_read(self):
        head = [f"指标{i}" for i in range(60)]
        table = read_table(xlsx([["单位", *head]] + [[f"单位{r}", *range(60)] for r in range(300)]), "data.xlsx")
        assert len(table.headers) == 61 and len(table.rows) == 300
        assert len(read_table(xlsx([list(range(1000)), list(range(1000))]), "wide.xlsx").headers) == 1000

    def test_more_columns_or_cells_than_an_import_holds_are_refused(self):
        assert "第 1001 列" in self._refused(xlsx([list(range(1001))]))
        assert "第 3001 行、第 1000 列" in self._refused(self._far("ALL", 3001, "absent"))  # 3,001,000 cells

    def test_other_formats_in_a_zip_are_refused(self):
        """calamine would read an .ods or .xlsb on its own, where none of these checks look."""
        import io
        import zipfile

        for member in ("mimetype", "xl/workbook.bin"):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr(member, "application/vnd.oasis.opendocument.spreadsheet")
                z.writestr("content.xml", "<table:table-row table:number-rows-repeated='1000000'/>")
            assert "另存为 .xlsx" in self._refused(buf.getvalue())

    @staticmethod
    def _xls(row=None, col=None, last_row=None) -> bytes:
        """The sample .xls with its last text cell moved to (row, col), or its DIMENSIONS claiming ``last_row``."""
        import struct

        data = bytearray((DATA / "ledger_sample.xls").read_bytes())
        if row is not None:
            at = data.rfind(b"\xfd\x00\x0a\x00")  # LabelSst: type, length, then row and column
            data[at + 4:at + 8] = struct.pack("<HH", row, col)
        if last_row is not None:
            at = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS: first and last row, first and last column
            data[at + 4:at + 14] = struct.pack("<IIH", 0, last_row, 0)
        return bytes(data)

    @pytest.mark.parametrize("row, col, far", [(65535, 255, "IV65536"), (65535, 16383, "XFD65536"),
                                               (40, 1200, "第 1201 列")])
    def test_an_xls_with_a_far_cell_is_refused(self, row, col, far):
        """calamine builds every sheet of an .xls as it opens it: IV65536 takes 1 GB, a column past IV aborts."""
        assert far in self._refused(self._xls(row, col), "check_xls")

    def test_an_xls_declaring_a_huge_sheet_is_refused(self):
        """calamine reserves room for the DIMENSIONS record's extent: 4 billion rows abort the process."""
        data = self._xls(last_row=4_000_000_000)
        assert "最远的单元格是 E4000000000" in self._refused(data, "check_xls")
        assert "工作表范围过大" in self._read_in_child(data)

    def test_a_normal_xls_passes(self):
        from tuijin.sheets import reading

        for name in ("ledger_sample.xls", "actuals_sample.xls"):
            reading.check_xls((DATA / name).read_bytes())
        reading.check_xls(self._xls(60000, 4))  # 60,000 rows × 5 columns

    @pytest.mark.django_db
    def test_the_upload_page_shows_the_reason_and_keeps_nothing(self, world, unit_importer, client_for):
        from django.core.files.storage import default_storage
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tuijin.org.models import Unit

        data = self._far("XFD", 1048576, "absent")
        self._refused(data)  # without the check, the post below would abort this process
        before = Unit.objects.count()
        r = client_for(world.office).post("/exchange/test-units/import/",
                                          {"file": SimpleUploadedFile("units.xlsx", data)})
        html = r.content.decode()
        assert r.status_code == 200 and "工作表范围过大:最远的单元格是 XFD1048576" in html
        assert "token" not in r.context and "error_token" not in r.context and Unit.objects.count() == before
        assert not default_storage.exists("imports") or default_storage.listdir("imports") == ([], [])


def test_an_xls_that_makes_the_reader_panic_gets_the_message():
    """calamine panics on some broken .xls files (this one: a bad merged-cells record); pyo3 raises that as a
    BaseException, which ``except Exception`` would have let through as a server error."""
    data = (DATA / "broken_panics.xls").read_bytes()
    with pytest.raises(FileProblem, match="文件不是有效的 Excel 或 CSV 表格"):
        read_table(data, "台账.xls")
