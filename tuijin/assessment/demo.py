"""Demo assessments: Jiangyan's 2021 "三比一提升" park assessment (A档 and B档), in which 姜堰经济开发区 scores
170.46 (A档, 第一等次) and 姜堰区现代科技产业园区 167.50 (B档, 第一等次) as the seed reports, with a
commendation list; and a Huai'an mid-year assessment scored from the stored targets and actuals."""
from __future__ import annotations

import random
from pathlib import Path

from tuijin.assessment import services
from tuijin.assessment.models import Scheme
from tuijin.core.scope import SYSTEM

HERE = Path(__file__).resolve().parent
HEAD = ["单位", "分组", "new_projects", "新开工目标", "completion_rate", "竣工率目标", "conversion_rate", "转化率目标",
        "hitech", "高企目标", "rd", "研发目标", "tax_per_mu", "亩均目标", "ticket_rate", "加分", "扣分", "重大安全事故"]
# completion ratios per item (1.0 = target met): 姜堰经济开发区 loses 5+10+12+5 points and 4 on tickets,
# then earns 6.46 bonus points: 200 − 36 + 6.46 = 170.46.
PARKS = [
    ("姜堰经济开发区", "A档", [1.0, 0.9, 0.8, 0.76, 1.0, 0.9], 0.95, 6.46, 0, 0),
    ("姜堰高新技术产业开发区", "A档", [0.92, 0.85, 0.7, 0.9, 0.95, 0.88], 0.96, 4.0, 0, 0),
    ("溱湖经济开发区", "A档", [0.8, 0.82, 0.75, 0.7, 0.9, 0.86], 0.92, 2.5, 1, 0),
    ("姜堰区现代科技产业园区", "B档", [1.0, 0.88, 0.8, 0.8, 1.0, 1.0], 0.9, 3.5, 0, 0),
    ("姜堰区现代农业产业园区", "B档", [0.9, 0.8, 0.7, 0.85, 0.9, 0.95], 0.96, 3.0, 0, 0),
    ("姜堰区数字经济产业园", "B档", [0.95, 0.9, 0.82, 0.9, 0.92, 0.9], 0.95, 1.5, 0, 0),
    ("姜堰区大伦产业园区", "B档", [0.7, 0.75, 0.6, 0.7, 0.8, 0.8], 0.85, 0.0, 0, 1),
]
TARGETS = [12, 0.8, 0.3, 10, 0.025, 40]  # 新开工, 竣工率, 转化率, 高企, 研发占比, 亩均税收(万元/亩)

HUAIAN_SCHEME = """
code: huaian_midyear
name: 2023年上半年高质量发展考核(指标完成情况)
unit_column: unit
group_column: group
aggregation: amean
missing: drop
tiers:
  - {name: 第一等次, min_score: 82}
  - {name: 第二等次, min_score: 78}
  - {name: 第三等次}
tree:
  code: total
  name: 综合得分
  children:
    - code: finance
      name: 财政收入
      weight: 0.6
      children:
        - {code: revenue_pace, name: 一般公共预算收入超序时进度, column: general_budget_revenue_pace, weight: 2, rule: {type: efficacy}}
        - {code: tax_pace, name: 税收收入超序时进度, column: tax_revenue_pace, rule: {type: efficacy}}
    - code: opening
      name: 外资外贸
      weight: 0.4
      children:
        - {code: exports_pace, name: 出口超序时进度, column: exports_pace, rule: {type: efficacy}}
        - {code: fdi_pace, name: 实际利用外资超序时进度, column: utilized_fdi_pace, rule: {type: efficacy}}
"""


def rows() -> list[list]:
    out = [HEAD]
    for name, group, ratios, ticket_rate, bonus, minus, veto in PARKS:
        row = [name, group]
        for ratio, target in zip(ratios, TARGETS):
            row += [round(ratio * target, 6), target]
        out.append(row + [ticket_rate, bonus, minus, veto])
    return out


def build(*, zones: dict, rng: random.Random) -> None:
    jiangyan = zones["jiangyan"]
    scheme = services.scheme_save(member=SYSTEM, zone=jiangyan,
                                  yaml_text=(HERE / "data" / "jiangyan_2021_sanbi.yaml").read_text(encoding="utf-8"))
    run = services.run_create(member=SYSTEM, scheme=scheme, title="2021年度“三比一提升”园区专项考核", year=2021, rows=rows(),
                              samples=500, seed=2021)
    services.run_publish(member=SYSTEM, run=run)
    c = services.commendation_from_run(member=SYSTEM, run=run, title="2021年度综合考核先进单位和改革创新奖表彰名单",
                                       per_group=1, awards={"改革创新奖": ["姜堰高新技术产业开发区", "区发改委"],
                                                            "疫情防控工作骏马奖": ["三水街道", "顾高镇"]})
    for person, unit, note in (("钱立", "区综合考核办公室", "考核组织工作成效突出"),
                               ("张敏", "姜堰经济开发区", "项目攻坚一线,推动3个亿元项目开工")):
        services.commendation_add_individual(member=SYSTEM, commendation=c, person=person, unit_name=unit, note=note)
    huaian = zones["huaian"]
    s2 = services.scheme_save(member=SYSTEM, zone=huaian, yaml_text=HUAIAN_SCHEME)
    run2 = services.run_create(member=SYSTEM, scheme=s2, title="2023年上半年高质量发展考核", year=2023, month=6,
                               samples=300, seed=2023)
    services.run_publish(member=SYSTEM, run=run2)


def scheme_by_code(zone, code) -> Scheme | None:
    return Scheme.objects.filter(zone=zone, code=code).order_by("-version").first()
