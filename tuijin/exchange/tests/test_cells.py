"""Typing one cell: every kind, the forms people type, and the reasons for refusing."""
import datetime as dt
from decimal import Decimal

import pytest

from tuijin.sheets.tabular import CellProblem, Column, parse_cell

AMOUNT = Column("计划总投资(万元)", "amount", "decimal", required=True, min_value=0)
DATE = Column("签约日期", "signed", "date")


@pytest.mark.parametrize("value, expected", [
    ("１２３", Decimal(123)), ("1,234.5", Decimal("1234.5")), ("1，234.5", Decimal("1234.5")),
    ("１，２３４．５", Decimal("1234.5")), (" 12.50 ", Decimal("12.50")), (12.5, Decimal("12.5")), (7, Decimal(7)),
    (0.30000000000000004, Decimal("0.3")), ("12,345,678", Decimal(12345678)), ("0", Decimal(0)),
])
def test_numbers_as_people_type_them(value, expected):
    assert parse_cell(AMOUNT, value) == expected


@pytest.mark.parametrize("value, message", [
    ("约100", "不是有效的数字「约100」"),
    ("100万元", "不是有效的数字「100万元」:只填数字,单位见表头"),
    ("abc", "不是有效的数字「abc」"),
    ("12,34", "不是有效的数字「12,34」"),  # not a thousands separator
    ("1.2.3", "不是有效的数字「1.2.3」"),
    ("NaN", "不是有效的数字「NaN」"),
    ("-5", "不能为负数「-5」"),
    (-0.5, "不能为负数「-0.5」"),
    ("", "不能为空"),
    (None, "不能为空"),
    (True, "不是有效的数字「是」"),
    (dt.datetime(2023, 3, 1), "不是有效的数字「2023-03-01」:单元格是日期或时间"),
])
def test_numbers_refused_with_reason(value, message):
    with pytest.raises(CellProblem) as exc:
        parse_cell(AMOUNT, value)
    assert str(exc.value) == message


def test_integer_bounds_and_places():
    month = Column("月份", "month", "integer", min_value=1, max_value=12)
    assert parse_cell(month, 6.0) == 6 and parse_cell(month, "６") == 6
    for value, message in [("13", "不能大于 12「13」"), (0, "不能小于 1「0」"), ("5.5", "应为整数「5.5」")]:
        with pytest.raises(CellProblem, match=message):
            parse_cell(month, value)
    money = Column("金额", "m", "decimal", places=2)
    assert parse_cell(money, "1.25") == Decimal("1.25")
    with pytest.raises(CellProblem, match="最多 2 位小数「1.255」"):
        parse_cell(money, "1.255")


@pytest.mark.parametrize("value", [
    "2023-03-01", "2023/3/1", "2023.3.1", "2023年3月1日", "2023年03月01号", "20230301", 20230301, 44986, 44986.0,
    "44986", "２０２３－０３－０１", "2023-03-01 00:00:00", "2023-03-01T08:30", dt.datetime(2023, 3, 1, 0, 0),
    dt.date(2023, 3, 1),
])
def test_dates_as_people_type_them(value):
    assert parse_cell(DATE, value) == dt.date(2023, 3, 1)


@pytest.mark.parametrize("value, message", [
    ("2023-02-30", "日期不存在「2023-02-30」"),
    ("2023-13-01", "日期不存在「2023-13-01」"),
    ("2024年2月30日", "日期不存在「2024年2月30日」"),
    ("20230230", "日期不存在「20230230」"),
    (20231301, "日期不存在「20231301」"),
    ("2023年3月", "日期缺少日「2023年3月」"),
    ("明年三月", "不是有效的日期「明年三月」"),
    (1234, "不是有效的日期「1234」"),  # an amount in the date column, not a plausible serial day
    (dt.time(8, 30), "单元格是时间"),
])
def test_impossible_and_unreadable_dates(value, message):
    with pytest.raises(CellProblem, match=message):
        parse_cell(DATE, value)


def test_booleans_text_and_choices():
    flag = Column("是否外资", "foreign", "boolean")
    for value, expected in [("是", True), ("否", False), ("Y", True), ("n", False), (1, True), ("0", False),
                            ("TRUE", True), ("false", False), (True, True), (None, None)]:
        assert parse_cell(flag, value) is expected
    with pytest.raises(CellProblem, match="应填「是」或「否」,而不是「也许」"):
        parse_cell(flag, "也许")
    with pytest.raises(CellProblem):  # a domain's own words are the column's, not every yes/no column's
        parse_cell(flag, "外资")
    own = Column("是否外资", "foreign", "boolean", words={"外资": True, "内资": False})
    assert (parse_cell(own, "外资"), parse_cell(own, "内资 "), parse_cell(own, "是")) == (True, False, True)
    code = Column("项目编号", "code", max_length=5)
    assert parse_cell(code, 12345.0) == "12345" and parse_cell(code, " P1 ") == "P1"
    assert parse_cell(code, "'=1+1") == "=1+1"  # our export's neutralised formula reads back as typed
    with pytest.raises(CellProblem) as exc:
        parse_cell(code, "P12345")
    assert str(exc.value) == "超过 5 个字(现有 6 个字)"
    kind = Column("项目类别", "category", "choice", choices={"产业项目": "industry", "基础设施项目": "infra"})
    assert parse_cell(kind, "基础设施项目") == "infra" and parse_cell(kind, "产业项目 ") == "industry"
    with pytest.raises(CellProblem) as exc:
        parse_cell(kind, "商业项目")
    assert str(exc.value) == "「商业项目」不在可选值中:产业项目、基础设施项目"
    plain = Column("阶段", "stage", "choice", choices=["签约", "开工"])
    assert parse_cell(plain, "开工") == "开工"


def test_reference_lookup_given_by_the_caller():
    units = {"钵池街道": 7}
    by_map = Column("责任单位", "unit", "reference", lookup=units)
    by_call = Column("单位", "unit", "lookup", lookup=units.get, lookup_name="责任单位")
    assert by_map.kind == "lookup" and parse_cell(by_map, "钵池街道") == 7 and parse_cell(by_call, "钵池街道") == 7
    for column in (by_map, by_call):
        with pytest.raises(CellProblem) as exc:
            parse_cell(column, "无名街道")
        assert str(exc.value) == "未知的责任单位「无名街道」"


def test_column_specs_are_checked_and_explained():
    with pytest.raises(ValueError, match="unknown kind"):
        Column("x", "x", "money")
    with pytest.raises(ValueError, match="needs choices"):
        Column("x", "x", "choice")
    assert AMOUNT.rule() == "必填;数字;不能为负数;只填数字,不带单位。"
    assert "2023/3/1" in DATE.rule() and DATE.number_format == "yyyy-mm-dd"
    assert Column("编号", "c").number_format == "@"
