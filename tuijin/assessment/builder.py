"""The scheme form (方案编辑): a clerk builds a scheme in rows — categories, indicators with their weight, full marks,
source and rule chosen from the rule registry's Chinese names, parameters by their Chinese names, groups, tiers,
bonuses, deductions and vetoes — and never writes YAML.

The form's fields become the same YAML document an expert writes (``to_yaml``), which goes through the one scheme
check (``engine.assessment.parse_scheme``, by ``services.scheme_save`` or the preview): one path. The codes the form
gives its nodes (c1, i1, …) never reach a message: ``readable`` puts each node's name (and each parameter's Chinese
name) in their place. A scheme made here opens here again (``from_yaml``); one deeper than categories → indicators
stays with its YAML.
"""
from __future__ import annotations

import re

import yaml
from django.utils.translation import gettext as _

from tuijin.core.params import parse_int
from tuijin.engine.assessment.rules import PARAM_LABELS, RULE_TYPES
from tuijin.engine.assessment.scheme import SchemeError

ROWS, TIER_ROWS, ADJ_ROWS = 15, 4, 6  # rows the form shows (more indicator rows with ?rows=)
ROWS_MAX = 80
AGGREGATIONS = [("sum", "各项得分相加"), ("amean", "加权算术平均"), ("gmean", "加权几何平均")]
MISSING = [("zero", "无数据不得分"), ("drop", "无数据不计入,同级按权重折算"), ("error", "无数据时停止并指明")]
ADJ_KINDS = [("bonus", "加分项"), ("deduction", "扣分项"), ("veto", "一票否决")]
DIRECTIONS = [("1", "越大越好"), ("-1", "越小越好")]
_BY_LABEL = {label: key for key, label in PARAM_LABELS.items()}
_SPLIT = re.compile(r"[;;\n]+")


class FormProblem(ValueError):
    """A field of the form that cannot become a scheme; ``field`` names the input, the message is Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def rule_choices() -> list[tuple[str, str]]:
    return [(code, t.label) for code, t in RULE_TYPES.items()]


def _text(data, key: str, limit: int = 200) -> str:
    value = data.get(key, "")
    return str(value if value is not None else "").strip()[:limit]


def _num(data, key: str, what: str, *, required: bool = False) -> float | None:
    text = _text(data, key, 40).replace(",", "").replace("%", "")
    if not text:
        if required:
            raise FormProblem(key, _("%(what)s: give a number.") % {"what": what})
        return None
    try:
        value = float(text)
    except ValueError:
        raise FormProblem(key, _("%(what)s: 「%(v)s」 is not a number.") % {"what": what, "v": text[:20]}) from None
    if value != value or abs(value) > 1e9:
        raise FormProblem(key, _("%(what)s: 「%(v)s」 is out of range.") % {"what": what, "v": text[:20]})
    return value


def _params(text: str, rule: str, where: str, field: str, columns: dict[str, str]) -> dict:
    """「目标值=12;每差1个百分点扣分=0.5」 → {"target": 12, "per_pp": 0.5}; 阶梯 as 「0.98:30,0.95:26」; 是/否."""
    out: dict = {}
    by_name = {name: code for code, name in columns.items()}
    spec = RULE_TYPES[rule].params
    for part in filter(None, (p.strip() for p in _SPLIT.split(text))):
        if "=" not in part and "=" not in part:
            raise FormProblem(field, _("%(where)s: write each parameter as name=value, not 「%(p)s」.") % {
                "where": where, "p": part[:30]})
        name, value = (s.strip() for s in part.replace("=", "=").split("=", 1))
        key = _BY_LABEL.get(name, name)
        if key not in spec:
            allowed = "、".join(PARAM_LABELS.get(k, k) for k in spec) or _("none")
            raise FormProblem(field, _("%(where)s: the rule 「%(rule)s」 has no parameter 「%(p)s」 (it has: "
                                       "%(allowed)s).") % {"where": where, "rule": RULE_TYPES[rule].label,
                                                          "p": name[:20], "allowed": allowed})
        kind = spec[key]
        label = PARAM_LABELS.get(key, key)
        if kind == "bool":
            if value not in ("是", "否"):
                raise FormProblem(field, _("%(where)s: %(p)s is 是 or 否.") % {"where": where, "p": label})
            out[key] = value == "是"
        elif kind == "steps":
            steps = []
            for pair in filter(None, (s.strip() for s in re.split(r"[,,、]", value))):
                a, _sep, b = pair.replace(":", ":").partition(":")
                try:
                    steps.append([float(a), float(b)])
                except ValueError:
                    raise FormProblem(field, _("%(where)s: write the steps as threshold:points, e.g. "
                                               "0.98:30,0.95:26.") % {"where": where}) from None
            out[key] = steps
        elif kind == "mode":
            out[key] = {"全部或零": "all_or_nothing", "线性": "linear"}.get(value, value)
        elif kind in ("target", "column") and (value in by_name or value in columns):
            out[key] = by_name.get(value, value)
        else:
            try:
                out[key] = float(value)
            except ValueError:
                raise FormProblem(field, _("%(where)s: %(p)s 「%(v)s」 is not a number.") % {
                    "where": where, "p": label, "v": value[:20]}) from None
    return out


def to_dict(data, *, columns: dict[str, str]) -> dict:
    """The scheme as YAML would hold it, from the form's fields (``data``: a QueryDict or dict). ``columns`` are
    the sources a row may read (code → Chinese name)."""
    name = _text(data, "name")
    if not name:
        raise FormProblem("name", _("Give the scheme a name."))
    aggregation = _text(data, "aggregation") or "sum"
    if aggregation not in dict(AGGREGATIONS):
        raise FormProblem("aggregation", _("Choose how the scores add up."))
    missing = _text(data, "missing") or "zero"
    if missing not in dict(MISSING):
        raise FormProblem("missing", _("Choose what a missing figure counts."))
    groups = [g for g in (s.strip() for s in re.split(r"[,,、;;\s]+", _text(data, "groups", 300))) if g]
    scheme: dict = {"code": _text(data, "code", 60) or "scheme", "name": name, "unit_column": "unit",
                    "aggregation": aggregation, "missing": missing}
    if groups:
        scheme.update(group_column="group", groups=groups)
    tiers = []
    for i in range(TIER_ROWS):
        tname = _text(data, f"tier_name_{i}", 50)
        if not tname:
            continue
        tier: dict = {"name": tname}
        score = _num(data, f"tier_min_{i}", _("tier 「%(n)s」: minimum score") % {"n": tname})
        share = _num(data, f"tier_share_{i}", _("tier 「%(n)s」: at most (%% of the group)") % {"n": tname})
        if score is not None:
            tier["min_score"] = score
        if share is not None:
            tier["max_share"] = share / 100
        tiers.append(tier)
    if tiers:
        scheme["tiers"] = tiers
    categories: dict[str, dict] = {}
    for i in range(_rows(data)):
        iname = _text(data, f"name_{i}", 100)
        if not iname:
            continue
        where = _("Row %(n)s 「%(name)s」") % {"n": i + 1, "name": iname}
        cname = _text(data, f"cat_{i}", 100) or _("(no category)")
        source = _text(data, f"source_{i}", 80)
        if source not in columns:
            raise FormProblem(f"source_{i}", _("%(where)s: choose where its figure comes from.") % {"where": where})
        rule = _text(data, f"rule_{i}", 30)
        if rule not in RULE_TYPES:
            raise FormProblem(f"rule_{i}", _("%(where)s: choose a scoring rule.") % {"where": where})
        node: dict = {"code": f"i{i + 1}", "name": iname, "column": source,
                      "rule": {"type": rule, **_params(_text(data, f"params_{i}", 500), rule, where, f"params_{i}",
                                                       columns)}}
        weight = _num(data, f"weight_{i}", _("%(where)s: weight") % {"where": where})
        points = _num(data, f"points_{i}", _("%(where)s: full marks") % {"where": where})
        if weight is not None:
            node["weight"] = weight
        if points is not None:
            node["points"] = points
        if _text(data, f"direction_{i}") == "-1":
            node["direction"] = -1
        cat = categories.setdefault(cname, {"code": f"c{len(categories) + 1}", "name": cname, "children": []})
        cat_weight = _num(data, f"cat_weight_{i}", _("%(where)s: category weight") % {"where": where})
        if cat_weight is not None:
            cat["weight"] = cat_weight
        cat["children"].append(node)
    if not categories:
        raise FormProblem("name_0", _("Add at least one indicator."))
    scheme["tree"] = {"code": "total", "name": _("total score"), "children": list(categories.values())}
    kinds = {"bonus": "bonuses", "deduction": "deductions", "veto": "vetoes"}
    for i in range(ADJ_ROWS):
        aname = _text(data, f"adj_name_{i}", 100)
        if not aname:
            continue
        kind = _text(data, f"adj_kind_{i}")
        where = _("「%(name)s」") % {"name": aname}
        if kind not in kinds:
            raise FormProblem(f"adj_kind_{i}", _("%(where)s: choose bonus, deduction or veto.") % {"where": where})
        source = _text(data, f"adj_source_{i}", 80)
        if source not in columns:
            raise FormProblem(f"adj_source_{i}", _("%(where)s: choose where it is counted from.") % {"where": where})
        item: dict = {"code": f"a{i + 1}", "name": aname, "column": source}
        per = _num(data, f"adj_per_{i}", _("%(where)s: points each") % {"where": where})
        cap = _num(data, f"adj_cap_{i}", _("%(where)s: cap") % {"where": where})
        if per is not None and kind != "veto":
            item["per"] = per
        if cap is not None and kind != "veto":
            item["cap"] = cap
        scheme.setdefault(kinds[kind], []).append(item)
    return scheme


def _rows(data) -> int:
    n = parse_int(_text(data, "rows", 4))
    return ROWS if n is None else min(n, ROWS_MAX)


def to_yaml(scheme: dict) -> str:
    return yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False, width=120)


def readable(message: str, scheme: dict) -> str:
    """A scheme check's message with the form's codes and the parameter keys replaced by their names."""
    names = {"total": scheme.get("tree", {}).get("name", "")}
    for cat in scheme.get("tree", {}).get("children", []):
        names[cat["code"]] = cat["name"]
        for node in cat.get("children", []):
            names[node["code"]] = node["name"]
    for key in ("bonuses", "deductions", "vetoes"):
        for item in scheme.get(key, []):
            names[item["code"]] = item["name"]
    for code, name in names.items():
        message = message.replace(f"「{code}」", f"「{name}」")
    for code, t in RULE_TYPES.items():
        message = re.sub(rf"(?<![A-Za-z_]){code}(?=规则)", t.label, message)
    for key, label in sorted(PARAM_LABELS.items(), key=lambda kv: -len(kv[0])):
        message = re.sub(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", label, message)
    return message


def from_yaml(text: str, columns: dict[str, str] | None = None) -> dict | None:
    """The form's fields of a stored scheme, or None when it is deeper than categories → indicators."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("tree"), dict):
        return None
    out = {"name": raw.get("name", ""), "code": raw.get("code", ""), "aggregation": raw.get("aggregation", "amean"),
           "missing": raw.get("missing", "drop"), "groups": "、".join(str(g) for g in raw.get("groups") or [])}
    for i, t in enumerate((raw.get("tiers") or [])[:TIER_ROWS]):
        out[f"tier_name_{i}"] = t.get("name", "")
        out[f"tier_min_{i}"] = _g(t.get("min_score"))
        out[f"tier_share_{i}"] = _g(None if t.get("max_share") is None else t["max_share"] * 100)
    row = 0
    for cat in raw["tree"].get("children") or []:
        for node in cat.get("children") or []:
            if node.get("children") or not isinstance(node.get("rule"), dict):
                return None
            rule = dict(node["rule"])
            out.update({f"cat_{row}": cat.get("name", ""), f"cat_weight_{row}": _g(cat.get("weight")),
                        f"name_{row}": node.get("name", ""), f"source_{row}": node.get("column") or node.get("code"),
                        f"weight_{row}": _g(node.get("weight")), f"points_{row}": _g(node.get("points")),
                        f"direction_{row}": "-1" if node.get("direction") in (-1, "-1", "lower") else "1",
                        f"rule_{row}": rule.pop("type", ""), f"params_{row}": _params_text(rule, columns or {})})
            row += 1
        if not cat.get("children"):
            return None
    out["rows"] = str(max(ROWS, row + 3))
    adj = 0
    for key, kind in (("bonuses", "bonus"), ("deductions", "deduction"), ("vetoes", "veto")):
        for item in raw.get(key) or []:
            if adj >= ADJ_ROWS:
                return None
            out.update({f"adj_kind_{adj}": kind, f"adj_name_{adj}": item.get("name", ""),
                        f"adj_source_{adj}": item.get("column") or item.get("code"),
                        f"adj_per_{adj}": _g(item.get("per")), f"adj_cap_{adj}": _g(item.get("cap"))})
            adj += 1
    return out


def _g(v) -> str:
    return "" if v is None else f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _params_text(rule: dict, columns: dict[str, str]) -> str:
    parts = []
    for key, value in rule.items():
        label = PARAM_LABELS.get(key, key)
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = ",".join(f"{_g(a)}:{_g(b)}" for a, b in value)
        elif key == "mode":
            value = {"all_or_nothing": "全部或零", "linear": "线性"}.get(value, value)
        elif isinstance(value, str):
            value = columns.get(value, value)
        parts.append(f"{label}={_g(value)}")
    return ";".join(parts)


def check(scheme: dict):
    """The one scheme check, its message made readable."""
    from tuijin.engine.assessment import parse_scheme

    try:
        return parse_scheme(to_yaml(scheme))
    except SchemeError as exc:
        raise SchemeError(readable(str(exc), scheme)) from exc
