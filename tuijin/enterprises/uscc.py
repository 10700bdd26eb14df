"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, checked character by character.

    position  1      registration authority (登记管理部门): 1 机构编制, 5 民政, 9 市场监管(工商), Y 其他 …
    position  2      type of the body (机构类别), from the authority's list: under 9, 1 企业, 2 个体工商户, 3 农民专业合作社
    positions 3—8    the region (登记管理机关行政区划码, GB/T 2260): six digits, the first two a province (10: national)
    positions 9—17   the body's identification code (主体标识码, the former organisation code)
    position  18     the check character

Every character comes from ``CHARSET`` (digits and capital letters without I, O, Z, S, V), valued by its place in
it (0—30). The check character is ``CHARSET[(31 − Σ value(cᵢ)·wᵢ mod 31) mod 31]`` over the first 17 characters with
the weights ``WEIGHTS`` (3ⁱ⁻¹ mod 31). ``check_character("91320800MA1XXXXXX")`` gives it; ``clean_credit_code`` refuses
a wrong code with a message naming the position that is wrong ("第18位校验码应为X,而不是Y").

The region is checked for its shape and province only (the list of counties changes every year); positions 9—17 carry
their own check digit under the older organisation-code standard (GB 11714), which this module does not enforce:
the national standard's own check is the 18th character.
"""
from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
VALUE = {c: i for i, c in enumerate(CHARSET)}

# Registration authority (position 1) → the types of body it registers (position 2), GB 32100-2015 table 1.
TYPES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级、村级、乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# Provinces of GB/T 2260 (the first two digits of a region), and 10 for bodies registered nationally (100000).
PROVINCES = frozenset({
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
MISREAD = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}  # letters the code leaves out, and what was likely meant


def check_character(first17: str) -> str:
    """The check character (position 18) of the first 17 characters of a code."""
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(value) -> str:
    """A code as typed → as stored: full-width characters made half-width, spaces removed, capital letters."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return "".join(text.split()).upper()


def problem(code: str) -> str | None:
    """Why a normalised code is not a valid unified social credit code (None: it is). One message, for the first
    position that is wrong."""
    if len(code) != LENGTH:
        return _("The unified social credit code has 18 characters, not %(n)s.") % {"n": len(code)}
    for i, c in enumerate(code, start=1):
        if c not in VALUE:
            hint = _(" (perhaps %(c)s?)") % {"c": MISREAD[c]} if c in MISREAD else ""
            return _("Character %(i)s 「%(c)s」 cannot be in a unified social credit code: it uses digits and capital "
                     "letters but I, O, Z, S and V%(hint)s.") % {"i": i, "c": c, "hint": hint}
    if code[0] not in TYPES:
        return _("Character 1 「%(c)s」 is not a registration authority (1—9, A, N or Y).") % {"c": code[0]}
    if code[1] not in TYPES[code[0]]:
        return _("Character 2 「%(c)s」 is not a type registered by authority 「%(a)s」 (it may be %(types)s).") % {
            "c": code[1], "a": code[0], "types": "、".join(TYPES[code[0]])}
    region = code[2:8]
    for i, c in enumerate(region, start=3):
        if not c.isdigit():
            return _("Character %(i)s 「%(c)s」 must be a digit: characters 3—8 are the region code.") % {"i": i, "c": c}
    if region[:2] not in PROVINCES:
        return _("Characters 3—4 「%(p)s」 are not a province of the region code.") % {"p": region[:2]}
    expected = check_character(code[:17])
    if code[17] != expected:
        return _("Character 18, the check character, should be %(x)s, not %(c)s.") % {"x": expected, "c": code[17]}
    return None


def clean_credit_code(value, *, field: str = "credit_code", label: str = "") -> str:
    """The code as stored (``normalise``), or a ValidationError on ``field`` naming the position that is wrong."""
    code = normalise(value)
    if not code:
        raise ValidationError({field: _("Give the unified social credit code.")}, code="required")
    message = problem(code)
    if message is not None:
        raise ValidationError({field: message}, code="invalid")
    return code


def make_code(authority: str, kind: str, region: str, body: str) -> str:
    """A valid code from its parts (the demo and tests): ``body`` is the 9 characters of positions 9—17."""
    first17 = f"{authority}{kind}{region}{body}"
    if len(first17) != 17 or any(c not in VALUE for c in first17):
        raise ValueError(f"not the first 17 characters of a code: {first17!r}")
    return first17 + check_character(first17)
