"""The checks every way in shares (core.validators): each refusal names its field, in Chinese."""
import datetime as dt
import sys
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tuijin.core import validators as v


def refusal(fn, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kwargs)
    return exc.value.message_dict


def test_every_control_and_invisible_character_is_refused_in_a_name():
    """The list of characters a name may not hold covers every code point of Unicode's control, format, surrogate
    and line/paragraph-separator categories in this Python's Unicode version."""
    categories = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    missed = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
              if unicodedata.category(chr(cp)) in categories and not v._INVISIBLE.search(chr(cp))]
    assert missed == []
    for ch in ("\u200b", "\u202e", "\ufeff", "\x07", "\u3164", "\n"):
        assert refusal(v.clean_name, f"钵池{ch}街道", field="name", label="名称", max_length=50) == {
            "name": ["名称含有控制字符或不可见字符。"]}
    assert v.clean_name("  钵池街道 ", field="name", label="名称", max_length=50) == "钵池街道"


def test_text_keeps_line_breaks_and_refuses_the_rest():
    assert v.clean_text("第一行\r\n第二行\r第三行", field="note", label="备注", max_length=50) == "第一行\n第二行\n第三行"
    assert "note" in refusal(v.clean_text, "一\u200b二", field="note", label="备注", max_length=50)
    assert "note" in refusal(v.clean_text, "一\t二", field="note", label="备注", max_length=50)
    assert v.clean_text("一\t二", field="note", label="备注", max_length=50, tabs=True) == "一\t二"
    assert refusal(v.clean_text, "长" * 51, field="note", label="备注", max_length=50) == {
        "note": ["备注不能超过50个字。"]}


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", float("nan"),
                                   float("inf"), Decimal("NaN"), Decimal("-Infinity"), True, "", "1,2,3e", "abc"])
def test_an_amount_that_is_not_a_finite_number_is_refused(value):
    message = refusal(v.to_amount, value, field="ytd", label="本年累计")
    assert list(message) == ["ytd"] and "本年累计" in message["ytd"][0] and "不是有效的数字" in message["ytd"][0]


def test_an_amount_is_within_its_range_in_the_stored_unit():
    assert v.to_amount("1,234.5", field="x", label="金额") == Decimal("1234.5")
    assert v.to_amount(v.AMOUNT_LIMIT, field="x", label="金额") == v.AMOUNT_LIMIT
    for value in ("1e308", "-1e308", "1e999999999", v.AMOUNT_LIMIT + 1):
        assert "超出允许范围" in refusal(v.to_amount, value, field="x", label="金额")["x"][0]
    # 亿元 typed, 万元 stored: the limit holds for the stored value and the message speaks the typed unit
    message = refusal(v.to_amount, "1e10", field="x", label="金额", scale=Decimal(10000), unit="亿元")["x"][0]
    assert "1,000,000,000 亿元" in message
    assert refusal(v.to_amount, "-5", field="x", label="计划总投资", allow_negative=False) == {
        "x": ["计划总投资不能为负数。"]}


def test_whole_numbers_and_numbers_in_a_range():
    assert v.to_int("2023", field="year", label="年度", lo=2000, hi=2100) == 2023
    for value in ("0", "32767", "2.5", True, "1" * 13, None):
        assert "year" in refusal(v.to_int, value, field="year", label="年度", lo=2000, hi=2100)
    assert v.to_number_in("119.1", field="lng", label="经度", lo=-180, hi=180) == Decimal("119.1")
    for value in ("180.0001", "-181", "NaN", "1e400"):
        assert "lng" in refusal(v.to_number_in, value, field="lng", label="经度", lo=-180, hi=180)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "2023-02-30", "昨天",
                                   dt.date(1, 1, 1)])
def test_a_date_out_of_its_range_or_not_a_date_is_refused(value):
    assert list(refusal(v.check_date, value, field="signed", label="签约日期")) == ["signed"]


def test_dates_in_range():
    assert v.check_date("2023-03-01", field="d", label="日期") == dt.date(2023, 3, 1)
    assert v.check_date(dt.datetime(2023, 3, 1, 8), field="d", label="日期") == dt.date(2023, 3, 1)
    assert v.check_date("", field="d", label="日期") is None


@pytest.mark.parametrize("value, sane", [(None, True), (Decimal("1e13"), True), (Decimal("-1e13"), True),
                                          (Decimal("10000000000001"), False), (Decimal("NaN"), False),
                                          (Decimal("sNaN"), False), (float("inf"), False), ("abc", False)])
def test_what_the_pages_compute_with(value, sane):
    assert v.is_sane_amount(value) is sane
