"""Column specs and the typing of one cell: what people type in Excel/WPS → a Python value, or a reason.

Pure Python, no Django. Used through ``tuijin.sheets.tabular``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial day numbers accepted as dates: 1950-01-01 … 2100-12-31. A bare number outside this span in a date
# column is far more likely a slip (an amount in the wrong column) than a date.
SERIAL_MIN, SERIAL_MAX = 18264, 73415

KINDS = ("text", "integer", "decimal", "date", "boolean", "choice", "lookup")
KIND_ALIASES = {"reference": "lookup", "int": "integer", "number": "decimal", "bool": "boolean"}

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
# Characters a spreadsheet would treat as the start of a formula; exports prefix them with ' (see writing.py).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CellProblem(ValueError):
    """One cell's value is not acceptable; the message says why, in Chinese."""


@dataclass(frozen=True)
class Column:
    """One column of an import/export layout; the same spec drives template, validation, error book and export.

    header:     the header text in row 1, exactly as the template shows it ("计划总投资(万元)").
    field:      the key of the typed value in ``Row.values``.
    kind:       text, integer, decimal, date, boolean, choice or lookup ("reference" is accepted as a synonym).
    required:   an empty cell is an error ("不能为空").
    choices:    choice columns: the allowed labels (list), or a label → stored value mapping.
    lookup:     lookup columns: a mapping or a callable label → value, None when unknown; the error reads
                "未知的{lookup_name or header}「x」".
    min_value / max_value: bounds for numbers (min_value=0 gives "不能为负数").
    max_length: longest text accepted.  places: most decimals accepted for a decimal column.
    help:       a note for the template (shown with the generated rule as the header's comment).
    words:      boolean columns: words of the column's own that mean yes or no ({"外资": True, "内资": False}),
                besides 是/否 and their usual spellings.
    width:      column width in the template and the export.
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    choices: Sequence[str] | Mapping | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    max_length: int | None = None
    places: int | None = None
    help: str = ""
    width: int = 14
    lookup: Mapping | Callable[[str], object] | None = field(default=None, compare=False, repr=False)
    lookup_name: str = ""
    words: Mapping[str, bool] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        kind = KIND_ALIASES.get(self.kind, self.kind)
        if kind not in KINDS:
            raise ValueError(f"Column {self.header!r}: unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")
        object.__setattr__(self, "kind", kind)
        if kind == "choice" and not self.choices:
            raise ValueError(f"Column {self.header!r}: a choice column needs choices")

    def choice_labels(self) -> list[str]:
        if self.choices is None:
            return []
        return list(self.choices.keys()) if isinstance(self.choices, Mapping) else list(self.choices)

    def rule(self) -> str:
        """The column's rule in words, for the template's header comment and the 填写说明 sheet."""
        parts = ["必填" if self.required else "可空"]
        if self.kind == "text":
            parts.append(f"文字,不超过{self.max_length}个字" if self.max_length else "文字")
        elif self.kind in ("integer", "decimal"):
            what = "整数" if self.kind == "integer" else "数字"
            if self.kind == "decimal" and self.places is not None:
                what += f",最多{self.places}位小数"
            parts.append(what)
            if self.min_value == 0:
                parts.append("不能为负数")
            elif self.min_value is not None:
                parts.append(f"不小于{self.min_value}")
            if self.max_value is not None:
                parts.append(f"不大于{self.max_value}")
            parts.append("只填数字,不带单位")
        elif self.kind == "date":
            parts.append("日期,如 2023-03-01、2023/3/1 或 2023年3月1日")
        elif self.kind == "boolean":
            parts.append("填「是」或「否」")
        elif self.kind == "choice":
            parts.append("从下拉列表选择:" + "、".join(self.choice_labels()[:12]))
        elif self.kind == "lookup":
            parts.append(f"填写已有的{self.lookup_name or self.header}名称")
        text = ";".join(parts)
        return f"{text};{self.help.rstrip('。')}。" if self.help else text + "。"

    @property
    def number_format(self) -> str:
        """The Excel number format for the column's cells in templates and exports."""
        if self.kind == "date":
            return "yyyy-mm-dd"
        if self.kind == "integer":
            return "0"
        if self.kind == "decimal":
            return "0." + "0" * self.places if self.places else "General"
        return "@"  # text: keeps leading zeros of codes such as 001


def cell_text(value) -> str:
    """A cell as the person sees it: 5 not 5.0, 2023-03-01 not 2023-03-01 00:00:00, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _normal(text: str) -> str:
    """Full-width → half-width (１２３ → 123, ，→ ,), ideographic spaces removed."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip()


def parse_decimal(value) -> Decimal:
    """A number as people type it: 1234.5, １２３, 1,234.5, 1，234.5. Text ("约100", "100万元") is refused."""
    if isinstance(value, bool):
        raise CellProblem(f"不是有效的数字「{cell_text(value)}」")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        # Rounding to 9 places drops binary noise from formulas (0.1+0.2 = 0.30000000000000004).
        return Decimal(repr(round(value, 9)))
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellProblem(f"不是有效的数字「{cell_text(value)}」:单元格是日期或时间")
    s = _normal(str(value))
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", s):
        shown = str(value).strip()
        if re.fullmatch(r"[-+]?[\d,.]+\D+", s):
            raise CellProblem(f"不是有效的数字「{shown}」:只填数字,单位见表头")
        raise CellProblem(f"不是有效的数字「{shown}」")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only valid numbers
        raise CellProblem(f"不是有效的数字「{value}」") from exc


DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
DATE_HINT = "请写成 2023-03-01、2023/3/1 或 2023年3月1日"


def _make_date(y: int, m: int, d: int, shown) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise CellProblem(f"日期不存在「{shown}」") from exc


def _serial_date(number: float, shown) -> dt.date:
    if number == int(number) and 19000101 <= number <= 21001231:  # 20230301 typed into a number cell
        n = int(number)
        return _make_date(n // 10000, n // 100 % 100, n % 100, shown)
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(number))
    raise CellProblem(f"不是有效的日期「{shown}」,{DATE_HINT}")


def parse_date(value) -> dt.date:
    """A date as people type it (see DATE_PATTERNS), an Excel serial number or a date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial_date(value, cell_text(value))
    if isinstance(value, (dt.time, dt.timedelta)):
        raise CellProblem(f"不是有效的日期「{value}」:单元格是时间,不是日期")
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", s)  # "2023-03-01 00:00:00"
    for pattern in DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            return _make_date(y, mo, d, value)
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return _serial_date(float(s), value)
    if re.fullmatch(r"\d{4}[-/.年]\d{1,2}月?", s):
        raise CellProblem(f"日期缺少日「{value}」,{DATE_HINT}")
    raise CellProblem(f"不是有效的日期「{value}」,{DATE_HINT}")


def parse_cell(column: Column, value):
    """Typed value for one cell, or raise CellProblem with the reason in Chinese."""
    text = cell_text(value)
    if text == "":
        if column.required:
            raise CellProblem("不能为空")
        return None
    kind = column.kind
    if kind in ("text", "choice", "lookup") and text[:1] == "'" and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]  # our export's neutralised formula text reads back as it was typed
    if kind == "text":
        if column.max_length and len(text) > column.max_length:
            raise CellProblem(f"超过 {column.max_length} 个字(现有 {len(text)} 个字)")
        return text
    if kind in ("decimal", "integer"):
        d = parse_decimal(value)
        if kind == "integer" and d != d.to_integral_value():
            raise CellProblem(f"应为整数「{text}」")
        if kind == "decimal" and column.places is not None and d != d.quantize(Decimal(1).scaleb(-column.places)):
            raise CellProblem(f"最多 {column.places} 位小数「{text}」")
        if column.min_value is not None and d < column.min_value:
            raise CellProblem(f"不能为负数「{text}」" if column.min_value == 0 else f"不能小于 {column.min_value}「{text}」")
        if column.max_value is not None and d > column.max_value:
            raise CellProblem(f"不能大于 {column.max_value}「{text}」")
        return int(d) if kind == "integer" else d
    if kind == "date":
        return parse_date(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        low = _normal(text).lower()
        own = {_normal(k).lower(): v for k, v in (column.words or {}).items()}
        if low in own:
            return own[low]
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise CellProblem(f"应填「是」或「否」,而不是「{text}」")
    if kind == "choice":
        labels = column.choice_labels()
        label = text if text in labels else next((x for x in labels if _normal(x) == _normal(text)), None)
        if label is None:
            shown = "、".join(labels[:20]) + ("…" if len(labels) > 20 else "")
            raise CellProblem(f"「{text}」不在可选值中:{shown}")
        return column.choices[label] if isinstance(column.choices, Mapping) else label
    # lookup
    lookup = column.lookup
    if lookup is None:
        found = None
    elif isinstance(lookup, Mapping):
        found = lookup.get(text)
    else:
        found = lookup(text)
    if found is None:
        raise CellProblem(f"未知的{column.lookup_name or column.header}「{text}」")
    return found
