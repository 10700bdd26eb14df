"""Demo assessments: 泰州市's 2021 assessments of its districts and parks (demo_city.py), in which 姜堰区 scores 80.97
(第一等次) in the 市(区)综合考核 and 211.17 (第二等次) in the "三比一提升" 市(区)专项考核, 姜堰经济开发区 170.46 (A档,
第一等次) and 姜堰区现代科技产业园区 167.50 (B档, 第一等次) as the seed reports, published down to the Jiangyan zones,
with a commendation list; and a Huai'an mid-year assessment scored from the stored targets and actuals."""
from __future__ import annotations

import random

from tuijin.assessment import demo_city, demo_records, services
from tuijin.assessment.models import Scheme
from tuijin.core.scope import SYSTEM

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


def build(*, zones: dict, rng: random.Random) -> None:
    # Jiangyan is assessed from above: 泰州市 scores its districts and parks (demo_city.py) and publishes down.
    demo_city.build(zones)
    huaian = zones["huaian"]
    s2 = services.scheme_save(member=SYSTEM, zone=huaian, yaml_text=HUAIAN_SCHEME)
    run2 = services.run_create(member=SYSTEM, scheme=s2, title="2023年上半年高质量发展考核", year=2023, month=6,
                               samples=300, seed=2023)
    services.run_publish(member=SYSTEM, run=run2)
    demo_records.build(zones)  # the year's run fed by tickets, projects, filings, claims and incidents


def scheme_by_code(zone, code) -> Scheme | None:
    return Scheme.objects.filter(zone=zone, code=code).order_by("-version").first()
