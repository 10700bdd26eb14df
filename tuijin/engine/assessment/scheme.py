"""Assessment schemes: a YAML document parsed into plain dataclasses, checked with messages that name the node.

Every key is checked: a misspelt parameter stops the parse instead of being ignored, since a rule that
silently falls back to its default would score units wrongly without anyone noticing.
See docs/assessment.md for the format and complete examples.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import yaml

from tuijin.engine.assessment.rules import RULE_TYPES

AGGREGATIONS = {"amean", "gmean", "sum"}
MISSING = {"error", "zero", "drop"}
NORMALISATIONS = {"minmax", "zscore", "rank"}  # the rules the robustness analysis may swap for one another

RULES = set(RULE_TYPES)  # the registry in rules.py: parameters, scoring and explanation of each rule type

SCHEME_KEYS = {"code", "name", "version", "description", "unit_column", "group_column", "groups", "aggregation",
               "missing", "tiers", "bonuses", "deductions", "vetoes", "uncertainty", "decimals", "tree"}
NODE_KEYS = {"code", "name", "weight", "children", "aggregation", "rule", "column", "direction", "points",
             "missing", "description"}
TIER_KEYS = {"name", "min_score", "max_share"}
ADJUSTMENT_KEYS = {"code", "name", "column", "cap", "per"}
UNCERTAINTY_KEYS = {"weight_range", "weights", "normalisations", "aggregations"}


class SchemeError(ValueError):
    """A scheme or data that cannot be used; the message names the node or row, in Chinese."""


@dataclass
class Node:
    code: str
    name: str = ""
    weight: float = 1.0
    children: list[Node] = field(default_factory=list)
    aggregation: str | None = None  # for categories; None = the scheme's
    rule: dict | None = None  # for indicators
    column: str | None = None  # data column, default = code
    direction: int = 1
    points: float | None = None  # full marks of the item, where the rule gives points
    missing: str | None = None  # for indicators; None = the scheme's

    @property
    def is_indicator(self) -> bool:
        return not self.children

    @property
    def data_column(self) -> str:
        return self.column or self.code

    @property
    def full_marks(self) -> float:
        """Full marks of a points rule: the node's ``points``, else the rule's, else 100."""
        if self.points is not None:
            return self.points
        return float((self.rule or {}).get("points", 100))

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Adjustment:
    """A bonus (加分项), deduction (扣分项) or veto (一票否决) item read from a data column."""

    code: str
    name: str
    column: str
    cap: float | None = None
    per: float = 1.0  # points per unit of the column (bonus/deduction)


@dataclass
class Tier:
    name: str
    min_score: float | None = None
    max_share: float | None = None  # at most this share of a group (quota)


@dataclass
class Scheme:
    code: str
    name: str
    version: int
    root: Node
    aggregation: str = "amean"
    missing: str = "drop"
    unit_column: str = "unit"
    group_column: str | None = None
    groups: list[str] = field(default_factory=list)
    tiers: list[Tier] = field(default_factory=list)
    bonuses: list[Adjustment] = field(default_factory=list)
    deductions: list[Adjustment] = field(default_factory=list)
    vetoes: list[Adjustment] = field(default_factory=list)
    uncertainty: dict = field(default_factory=dict)
    decimals: int = 2

    def indicators(self) -> list[Node]:
        return [n for n in self.root.walk() if n.is_indicator]

    def nodes(self) -> list[Node]:
        return list(self.root.walk())

    def columns(self) -> set[str]:
        """Every data column the scheme reads (indicators, targets, last year's values, adjustments)."""
        out = {ind.data_column for ind in self.indicators()}
        for ind in self.indicators():
            for key in ("target", "last_year"):
                if isinstance(ind.rule.get(key), str):
                    out.add(ind.rule[key])
        out |= {a.column for a in [*self.bonuses, *self.deductions, *self.vetoes]}
        return out


def _unknown(raw: dict, allowed: set, where: str) -> None:
    extra = sorted(str(k) for k in raw if k not in allowed)
    if extra:
        raise SchemeError(f"{where}有不认识的参数「{'、'.join(extra)}」(可用:{'、'.join(sorted(allowed))})")


def _direction(value, where: str) -> int:
    if value in (None, 1, "+1", "higher", "高优", "正向"):
        return 1
    if value in (-1, "-1", "lower", "低优", "逆向"):
        return -1
    raise SchemeError(f"节点「{where}」的方向应为 1(越大越好)或 -1(越小越好),而不是「{value}」")


def _number(value, where: str, what: str) -> float:
    if isinstance(value, bool):
        raise SchemeError(f"{where}的{what}应是数字,而不是「{value}」")
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise SchemeError(f"{where}的{what}应是数字,而不是「{value}」") from exc
    if not math.isfinite(out):
        raise SchemeError(f"{where}的{what}应是有限的数字,而不是「{value}」")
    return out


def _node(raw, seen: set, path: list[str]) -> Node:
    if not isinstance(raw, dict) or not raw.get("code"):
        raise SchemeError(f"「{'/'.join(path) or '根'}」下有一个节点缺少代码(code)")
    code = str(raw["code"])
    if code in path:
        raise SchemeError(f"节点「{code}」出现在自己的下级中:树中有循环")
    if code in seen:
        raise SchemeError(f"节点代码「{code}」重复")
    seen.add(code)
    _unknown(raw, NODE_KEYS, f"节点「{code}」")
    weight = _number(raw.get("weight", 1), f"节点「{code}」", "权重")
    if weight < 0:
        raise SchemeError(f"节点「{code}」的权重为负数({weight:g})")
    points = None if raw.get("points") is None else _number(raw["points"], f"节点「{code}」", "满分")
    if points is not None and points < 0:
        raise SchemeError(f"节点「{code}」的满分为负数({points:g})")
    node = Node(code=code, name=str(raw.get("name", code)), weight=weight, aggregation=raw.get("aggregation"),
                column=None if raw.get("column") is None else str(raw["column"]),
                direction=_direction(raw.get("direction"), code), points=points, missing=raw.get("missing"))
    if node.aggregation is not None and node.aggregation not in AGGREGATIONS:
        raise SchemeError(f"节点「{code}」的汇总方式「{node.aggregation}」不支持,可选:amean、gmean、sum")
    children = raw.get("children") or []
    if not isinstance(children, list):
        raise SchemeError(f"节点「{code}」的下级(children)应是列表")
    if children:
        if raw.get("rule") is not None:
            raise SchemeError(f"节点「{code}」既有下级又有计分规则:规则只属于指标(没有下级的节点)")
        if node.missing is not None:
            raise SchemeError(f"节点「{code}」有下级,缺失值处理(missing)只能写在指标上")
        node.children = [_node(c, seen, [*path, code]) for c in children]
        if all(c.weight == 0 for c in node.children):
            raise SchemeError(f"节点「{code}」的下级权重全部为0")
    else:
        if node.missing is not None and node.missing not in MISSING:
            raise SchemeError(f"指标「{code}」的缺失值处理「{node.missing}」不支持,可选:error、zero、drop")
        node.rule = check_rule(raw.get("rule"), f"指标「{code}」", direction=node.direction, points=node.points)
    return node


def check_rule(rule, where: str, *, direction: int = 1, points: float | None = None) -> dict:
    """A checked copy of one rule: known type, known parameters of the right kind, no contradictions."""
    if not isinstance(rule, dict) or rule.get("type") not in RULES:
        kind = rule.get("type") if isinstance(rule, dict) else None
        choices = "、".join(f"{c}({t.label})" for c, t in sorted(RULE_TYPES.items()))
        raise SchemeError(f"{where}缺少计分规则,或规则类型「{kind}」不支持(可选:{choices})")
    t = rule["type"]
    spec = RULE_TYPES[t].params
    _unknown({k: v for k, v in rule.items() if k != "type"}, set(spec), f"{where}的{t}规则")
    for key in RULE_TYPES[t].required:
        if rule.get(key) is None:
            raise SchemeError(f"{where}的{t}规则需要参数 {key}")
    out = {"type": t}
    for key, value in rule.items():
        kind = spec.get(key)
        if key == "type" or value is None:
            continue
        if kind == "number":
            out[key] = _number(value, where, key)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise SchemeError(f"{where}的参数 {key} 应为 true 或 false,而不是「{value}」")
            out[key] = value
        elif kind == "target":
            out[key] = value if isinstance(value, str) else _number(value, where, key)
            if not isinstance(value, str) and out[key] <= 0:
                raise SchemeError(f"{where}的目标值必须大于0,而不是{out[key]:g}")
        elif kind == "column":
            out[key] = str(value)
        elif kind == "mode":
            if value not in ("linear", "all_or_nothing"):
                raise SchemeError(f"{where}的 mode 应为 linear 或 all_or_nothing,而不是「{value}」")
            out[key] = value
        elif kind == "steps":
            if not isinstance(value, list) or not value or not all(
                    isinstance(s, (list, tuple)) and len(s) == 2 for s in value):
                raise SchemeError(f"{where}的阶梯规则需要 steps: [[门槛, 分值], …]")
            out[key] = [[_number(a, where, "阶梯门槛"), _number(b, where, "阶梯分值")] for a, b in value]
            thresholds = [a for a, _b in out[key]]
            if len(set(thresholds)) != len(thresholds):
                raise SchemeError(f"{where}的阶梯门槛有重复")
    _contradictions(t, out, where, direction, out.get("points", 100.0) if points is None else points)
    return out


def _contradictions(t: str, r: dict, where: str, d: int, points: float) -> None:
    if t == "minmax" and r.get("low", 0) >= r.get("high", 100):
        raise SchemeError(f"{where}的极差法区间下限{r.get('low', 0):g}不小于上限{r.get('high', 100):g}")
    if t == "zscore" and r.get("sd", 1) <= 0:
        raise SchemeError(f"{where}的z分数标准差必须大于0")
    if t == "efficacy" and "floor" in r and "top" in r and d * r["floor"] >= d * r["top"]:
        better = "小于" if d == 1 else "大于"
        raise SchemeError(f"{where}的功效系数法不允许值{r['floor']:g}应{better}满意值{r['top']:g}")
    if "points" in r and r["points"] < 0:
        raise SchemeError(f"{where}的满分为负数({r['points']:g})")
    if t == "completion":
        floor, cap = r.get("floor", 0.0), r.get("cap", points)
        if floor > cap:
            raise SchemeError(f"{where}的最低分{floor:g}高于封顶分{cap:g}")
        if r.get("bonus_per_pp", 0) > 0 and "cap" not in r:
            raise SchemeError(f"{where}设了超额加分 bonus_per_pp,还需要封顶分 cap")
        for key in ("per_pp", "bonus_per_pp"):
            if r.get(key, 0) < 0:
                raise SchemeError(f"{where}的 {key} 不能为负数")
    if t == "improvement":
        if not 0 <= r.get("base_share", 0.8) <= 1:
            raise SchemeError(f"{where}的 base_share(上年水平得分比例)应在0到1之间")
        if r.get("step", 0.05) <= 0:
            raise SchemeError(f"{where}的 step(每档增幅)必须大于0")
        if r.get("cap", 0) < 0 or r.get("step_points", 1) < 0:
            raise SchemeError(f"{where}的加分或加分上限不能为负数")
    if t == "rank_points" and not 0 <= r.get("per_place", 0.05) <= 1:
        raise SchemeError(f"{where}的 per_place(每名次扣减比例)应在0到1之间")


def _adjustments(raw, kind: str, seen: set) -> list[Adjustment]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SchemeError(f"{kind}应是列表")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("code"):
            raise SchemeError(f"{kind}缺少代码(code)")
        code = str(item["code"])
        _unknown(item, ADJUSTMENT_KEYS, f"{kind}「{code}」")
        if code in seen:
            raise SchemeError(f"代码「{code}」重复({kind})")
        seen.add(code)
        cap = None if item.get("cap") is None else _number(item["cap"], f"{kind}「{code}」", "上限")
        per = _number(item.get("per", 1), f"{kind}「{code}」", "每单位分值")
        if (cap is not None and cap < 0) or per < 0:
            raise SchemeError(f"{kind}「{code}」的分值和上限不能为负数(扣分项也写正数)")
        out.append(Adjustment(code=code, name=str(item.get("name", code)), column=str(item.get("column", code)),
                              cap=cap, per=per))
    return out


def _tiers(raw) -> list[Tier]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SchemeError("等次(tiers)应是列表,从高到低")
    tiers: list[Tier] = []
    total_share = 0.0
    for t in raw:
        if not isinstance(t, dict) or not t.get("name"):
            raise SchemeError("等次缺少名称(name)")
        name = str(t["name"])
        _unknown(t, TIER_KEYS, f"等次「{name}」")
        if any(x.name == name for x in tiers):
            raise SchemeError(f"等次「{name}」重复")
        share = None if t.get("max_share") is None else _number(t["max_share"], f"等次「{name}」", "比例")
        if share is not None:
            if not 0 <= share <= 1:
                raise SchemeError(f"等次「{name}」的比例{share:.0%}超出0—100%")
            total_share += share
        min_score = None if t.get("min_score") is None else _number(t["min_score"], f"等次「{name}」", "分数线")
        above = next((x for x in reversed(tiers) if x.min_score is not None), None)
        if min_score is not None and above is not None and min_score > above.min_score:
            raise SchemeError(f"等次「{name}」的分数线{min_score:g}高于上一等次「{above.name}」的{above.min_score:g}:"
                              f"等次应从高到低排列")
        tiers.append(Tier(name=name, min_score=min_score, max_share=share))
    if total_share > 1 + 1e-9:
        raise SchemeError(f"各等次比例合计{total_share:.0%},超过100%")
    return tiers


def _uncertainty(raw, root: Node) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SchemeError("不确定性设置(uncertainty)应是一组参数")
    _unknown(raw, UNCERTAINTY_KEYS, "不确定性设置(uncertainty)")
    out: dict = {}
    if raw.get("weight_range") is not None:
        r = _number(raw["weight_range"], "不确定性设置", "weight_range(权重浮动比例)")
        if not 0 <= r < 1:
            raise SchemeError(f"权重浮动比例 weight_range 应在0到1之间(如0.25表示±25%),而不是{r:g}")
        out["weight_range"] = r
    if raw.get("weights") is not None:
        nodes = {n.code: n for n in root.walk()}
        if not isinstance(raw["weights"], dict):
            raise SchemeError("uncertainty.weights 应写成 {节点代码: [下限, 上限]}")
        out["weights"] = {}
        for code, rng in raw["weights"].items():
            node = nodes.get(str(code))
            if node is None:
                raise SchemeError(f"uncertainty.weights 中的节点「{code}」不在指标树中")
            if not isinstance(rng, (list, tuple)) or len(rng) != 2:
                raise SchemeError(f"节点「{code}」的权重范围应写成 [下限, 上限]")
            lo, hi = (_number(v, f"节点「{code}」", "权重范围") for v in rng)
            if not 0 <= lo <= node.weight <= hi:
                raise SchemeError(f"节点「{code}」的权重范围[{lo:g}, {hi:g}]应不小于0且包含其权重{node.weight:g}")
            out["weights"][str(code)] = (lo, hi)
    if raw.get("normalisations") is not None:
        norms = raw["normalisations"]
        if not isinstance(norms, list) or not norms:
            raise SchemeError("uncertainty.normalisations 应是非空列表,如 [scheme, {type: rank}]")
        out["normalisations"] = []
        for k, spec in enumerate(norms, start=1):
            if spec in ("scheme", None):
                out["normalisations"].append(None)
                continue
            rule = check_rule(spec, f"备选标准化方法第{k}项")
            if rule["type"] not in NORMALISATIONS:
                raise SchemeError(f"备选标准化方法第{k}项只能是 minmax、zscore 或 rank,或 scheme(方案本身的规则)")
            out["normalisations"].append(rule)
    if raw.get("aggregations") is not None:
        aggs = raw["aggregations"]
        if not isinstance(aggs, list) or not aggs or any(a not in AGGREGATIONS for a in aggs):
            raise SchemeError("uncertainty.aggregations 应是 amean、gmean、sum 中的若干项")
        out["aggregations"] = [str(a) for a in aggs]
    return out


def parse_scheme(text: str) -> Scheme:
    """Parse and check a YAML scheme; raises SchemeError with a Chinese message naming the problem."""
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # the C parser where built
    except yaml.YAMLError as exc:
        raise SchemeError(f"方案不是有效的 YAML:{exc}") from exc
    if not isinstance(raw, dict) or "tree" not in raw:
        raise SchemeError("方案缺少指标树(tree)")
    _unknown(raw, SCHEME_KEYS, "方案")
    seen: set = set()
    root = _node(raw["tree"], seen, [])
    if root.is_indicator:
        raise SchemeError("指标树的根节点必须有下级")
    aggregation = str(raw.get("aggregation", "amean"))
    if aggregation not in AGGREGATIONS:
        raise SchemeError(f"汇总方式「{aggregation}」不支持,可选:amean、gmean、sum")
    missing = str(raw.get("missing", "drop"))
    if missing not in MISSING:
        raise SchemeError(f"缺失值处理「{missing}」不支持,可选:error、zero、drop")
    groups = raw.get("groups") or []
    if not isinstance(groups, list) or len({str(g) for g in groups}) != len(groups):
        raise SchemeError("分组(groups)应是不重复的列表,如 [A档, B档]")
    try:
        version = int(raw.get("version", 1))
        decimals = int(raw.get("decimals", 2))
    except (TypeError, ValueError) as exc:
        raise SchemeError("方案的版本号(version)和小数位数(decimals)应是整数") from exc
    if not 0 <= decimals <= 9:
        raise SchemeError("小数位数(decimals)应在0到9之间")
    scheme = Scheme(
        code=str(raw.get("code", "scheme")), name=str(raw.get("name", raw.get("code", ""))), version=version,
        root=root, aggregation=aggregation, missing=missing, unit_column=str(raw.get("unit_column", "unit")),
        group_column=None if raw.get("group_column") is None else str(raw["group_column"]),
        groups=[str(g) for g in groups], tiers=_tiers(raw.get("tiers")),
        bonuses=_adjustments(raw.get("bonuses"), "加分项", seen),
        deductions=_adjustments(raw.get("deductions"), "扣分项", seen),
        vetoes=_adjustments(raw.get("vetoes"), "一票否决项", seen),
        uncertainty=_uncertainty(raw.get("uncertainty"), root), decimals=decimals)
    if scheme.groups and not scheme.group_column:
        scheme.group_column = "group"
    return scheme
