"""The unified social credit code's check character (GB 32100-2015) and the messages naming the wrong position."""
import pytest
from django.core.exceptions import ValidationError

from tuijin.enterprises.uscc import CHARSET, check_character, clean_credit_code, make_code, problem

# The worked example of GB 32100-2015 (a code in its own appendix), and codes computed here.
STANDARD_EXAMPLE = "91350100M000100Y43"


def test_the_standards_example_is_valid():
    assert problem(STANDARD_EXAMPLE) is None
    assert check_character(STANDARD_EXAMPLE[:17]) == "3"


def test_check_character_computed_by_hand():
    # 9·1 + 1·3 + 1·9 + 1·27 + 0 + 0 + 0 + 0 + 1·20 + 0 … = 68; 68 mod 31 = 6; 31 − 6 = 25 → CHARSET[25] = "R"
    assert check_character("91110000100000000") == "R"
    assert CHARSET[25] == "R"
    assert problem("91110000100000000R") is None
    # a remainder of 0 gives 0, not 31
    first17 = next(f"9132080000000{n:04d}" for n in range(10000)
                   if sum(CHARSET.index(c) * w for c, w in zip(f"9132080000000{n:04d}",
                          (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))) % 31 == 0)
    assert check_character(first17) == "0"


@pytest.mark.parametrize("code, message", [
    ("91110000100000000X", "第18位校验码应为R,而不是X。"),
    ("9111000010000000R", "统一社会信用代码应为18位,现为17位。"),
    ("91110000100000000RR", "统一社会信用代码应为18位,现为19位。"),
    ("911100001I0000000R", "第10位「I」不能出现在统一社会信用代码中:只使用数字和除I、O、Z、S、V以外的大写字母(是否应为1?)。"),
    ("B1110000100000000R", "第1位登记管理部门代码「B」不存在(应为1—9、A、N或Y)。"),
    ("94110000100000000R", "第2位机构类别代码「4」不属于登记管理部门「9」(可为1、2、3)。"),
    ("911A0000100000000R", "第4位「A」应为数字:第3—8位是登记管理机关行政区划码。"),
    ("91990000100000000R", "第3—4位「99」不是行政区划码中的省级代码。"),
])
def test_a_wrong_code_is_refused_naming_the_position(code, message):
    assert problem(code) == message
    with pytest.raises(ValidationError) as exc:
        clean_credit_code(code)
    assert exc.value.message_dict == {"credit_code": [message]}


def test_as_typed_full_width_lower_case_and_spaces():
    assert clean_credit_code(" ９１３５０１００ｍ０００ １００ｙ４３ ") == STANDARD_EXAMPLE
    assert clean_credit_code("91350100m000100y43") == STANDARD_EXAMPLE
    with pytest.raises(ValidationError) as exc:
        clean_credit_code("  ")
    assert exc.value.message_dict == {"credit_code": ["请填写统一社会信用代码。"]}


def test_every_single_substitution_and_adjacent_swap_is_caught():
    code = make_code("9", "1", "320800", "MA1MXK7U2")
    assert problem(code) is None
    for i in range(17):
        for c in CHARSET:
            if c != code[i]:
                changed = code[:i] + c + code[i + 1:]
                assert problem(changed) is not None, changed
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert problem(swapped) is not None, swapped


def test_make_code_refuses_what_cannot_be_a_code():
    with pytest.raises(ValueError):
        make_code("9", "1", "320800", "MA1MXK7")  # too short
    with pytest.raises(ValueError):
        make_code("9", "1", "320800", "MA1MXK7UI")  # I is not in the character set
