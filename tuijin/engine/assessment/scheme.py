"""Assessment schemes: a YAML document parsed into plain dataclasses, checked with messages that name the node.

See docs/assessment.md for the format and complete examples.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

AGGREGATIONS = {"amean", "gmean", "sum"}
MISSING = {"error", "zero", "drop"}
RULES = {"minmax", "zscore", "rank", "dist2targ", "efficacy", "completion", "ratio_to_best", "improvement",
         "rank_points", "steps", "yesno", "value"}


class SchemeError(ValueError):
    """A scheme that cannot be used; the message names the node, in Chinese."""


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

    @property
    def is_indicator(self) -> bool:
        return not self.children

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


def _direction(value, where: str) -> int:
    if value in (None, 1, "+1", "higher", "高优", "正向"):
        return 1
    if value in (-1, "-1", "lower", "低优", "逆向"):
        return -1
    raise SchemeError(f"节点「{where}」的方向应为 1(越大越好)或 -1(越小越好),而不是「{value}」")


def _number(value, where: str, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise SchemeError(f"节点「{where}」的{what}不是数字:「{value}」") from exc


def _node(raw: dict, seen: set, path: list[str]) -> Node:
    if not isinstance(raw, dict) or not raw.get("code"):
        raise SchemeError(f"「{'/'.join(path) or '根'}」下有一个节点缺少代码(code)")
    code = str(raw["code"])
    if code in path:
        raise SchemeError(f"节点「{code}」出现在自己的下级中:树中有循环")
    if code in seen:
        raise SchemeError(f"节点代码「{code}」重复")
    seen.add(code)
    weight = _number(raw.get("weight", 1), code, "权重")
    if weight < 0:
        raise SchemeError(f"节点「{code}」的权重为负数({weight})")
    node = Node(code=code, name=str(raw.get("name", code)), weight=weight, aggregation=raw.get("aggregation"),
                column=raw.get("column"), direction=_direction(raw.get("direction"), code),
                points=None if raw.get("points") is None else _number(raw["points"], code, "满分"))
    if node.aggregation is not None and node.aggregation not in AGGREGATIONS:
        raise SchemeError(f"节点「{code}」的汇总方式「{node.aggregation}」不支持,可选:amean、gmean、sum")
    children = raw.get("children") or []
    if children:
        node.children = [_node(c, seen, [*path, code]) for c in children]
        if all(c.weight == 0 for c in node.children):
            raise SchemeError(f"节点「{code}」的下级权重全部为0")
    else:
        rule = raw.get("rule")
        if not isinstance(rule, dict) or rule.get("type") not in RULES:
            raise SchemeError(f"指标「{code}」缺少计分规则,或规则类型不支持(可选:{'、'.join(sorted(RULES))})")
        node.rule = dict(rule)
        _check_rule(code, node.rule)
    return node


def _check_rule(code: str, rule: dict) -> None:
    t = rule["type"]
    low, high = rule.get("low"), rule.get("high")
    if t == "minmax" and low is not None and high is not None and float(low) >= float(high):
        raise SchemeError(f"指标「{code}」的极差法区间下限{low}不小于上限{high}")
    if t == "efficacy":
        floor, top = rule.get("floor"), rule.get("top")
        if floor is not None and top is not None and float(floor) >= float(top):
            raise SchemeError(f"指标「{code}」的功效系数法不允许值{floor}不小于满意值{top}")
    if t == "completion":
        if float(rule.get("floor", 0)) > float(rule.get("cap", rule.get("points", 100))):
            raise SchemeError(f"指标「{code}」的最低分{rule.get('floor')}高于封顶分{rule.get('cap')}")
        if "target" not in rule:
            raise SchemeError(f"指标「{code}」的目标完成率规则需要 target(目标值或目标列)")
    if t == "zscore" and float(rule.get("sd", 1)) <= 0:
        raise SchemeError(f"指标「{code}」的z分数标准差必须大于0")
    if t == "steps":
        steps = rule.get("steps")
        if not steps or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in steps):
            raise SchemeError(f"指标「{code}」的阶梯规则需要 steps: [[门槛, 分值], …]")
    if t == "improvement" and not rule.get("last_year"):
        raise SchemeError(f"指标「{code}」的比上年提升规则需要 last_year(上年值所在列)")


def _adjustments(raw, kind: str) -> list[Adjustment]:
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or not item.get("code"):
            raise SchemeError(f"{kind}缺少代码(code)")
        cap = item.get("cap")
        out.append(Adjustment(code=str(item["code"]), name=str(item.get("name", item["code"])),
                              column=str(item.get("column", item["code"])),
                              cap=None if cap is None else _number(cap, item["code"], "上限"),
                              per=_number(item.get("per", 1), item["code"], "分值")))
    return out


def parse_scheme(text: str) -> Scheme:
    """Parse and check a YAML scheme; raises SchemeError with a Chinese message naming the problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError(f"方案不是有效的 YAML:{exc}") from exc
    if not isinstance(raw, dict) or "tree" not in raw:
        raise SchemeError("方案缺少指标树(tree)")
    seen: set = set()
    root = _node(raw["tree"], seen, [])
    if root.is_indicator:
        raise SchemeError("指标树的根节点必须有下级")
    tiers = []
    total_share = 0.0
    for t in raw.get("tiers") or []:
        share = t.get("max_share")
        if share is not None:
            share = _number(share, t.get("name", "等次"), "比例")
            if not 0 <= share <= 1:
                raise SchemeError(f"等次「{t.get('name')}」的比例{share:.0%}超出0—100%")
            total_share += share
        tiers.append(Tier(name=str(t["name"]), min_score=None if t.get("min_score") is None else
                          _number(t["min_score"], t["name"], "分数线"), max_share=share))
    if total_share > 1 + 1e-9:
        raise SchemeError(f"各等次比例合计{total_share:.0%},超过100%")
    scheme = Scheme(
        code=str(raw.get("code", "scheme")), name=str(raw.get("name", raw.get("code", ""))),
        version=int(raw.get("version", 1)), root=root, aggregation=str(raw.get("aggregation", "amean")),
        missing=str(raw.get("missing", "drop")), unit_column=str(raw.get("unit_column", "unit")),
        group_column=raw.get("group_column"), groups=[str(g) for g in raw.get("groups") or []], tiers=tiers,
        bonuses=_adjustments(raw.get("bonuses"), "加分项"), deductions=_adjustments(raw.get("deductions"), "扣分项"),
        vetoes=_adjustments(raw.get("vetoes"), "一票否决项"), uncertainty=dict(raw.get("uncertainty") or {}),
        decimals=int(raw.get("decimals", 2)))
    if scheme.aggregation not in AGGREGATIONS:
        raise SchemeError(f"汇总方式「{scheme.aggregation}」不支持,可选:amean、gmean、sum")
    if scheme.missing not in MISSING:
        raise SchemeError(f"缺失值处理「{scheme.missing}」不支持,可选:error、zero、drop")
    if scheme.groups and not scheme.group_column:
        scheme.group_column = "group"
    return scheme
