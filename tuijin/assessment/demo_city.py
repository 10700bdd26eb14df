"""The 泰州市 demo: a city office assessing its districts (市(区)) and its parks (A档/B档) with the same schemes, runs
and commendation lists as a zone assessing its units, published down to the zones below (docs/assessment.md, "Levels
above the zone"). 姜堰区's and its parks' totals are the seed's (001): 80.97 (第一等次) in the 市(区)综合考核, 211.17
(第二等次) in the "三比一提升" 市(区)专项考核, 姜堰经济开发区 170.46 (A档) and 姜堰区现代科技产业园区 167.50 (B档),
both 第一等次. Every other district's and park's figures are made up (illustrative data)."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# (unit, group, completion ratio per item (1.0 = target met), 办结率 or None, bonus, deduction, veto)
DISTRICTS = [  # 市(区)综合考核: 100 points; 姜堰区 loses (4+6+5+10+8+4+2)·0.5 = 19.5, earns 0.47: 80.97
    ("海陵区", "市(区)", [0.98, 0.97, 0.96, 0.95, 0.9, 0.97, 0.99], None, 2.1, 0, 0),
    ("高港区", "市(区)", [0.95, 0.92, 0.94, 0.88, 0.86, 0.95, 0.97], None, 1.2, 0, 0),
    ("姜堰区", "市(区)", [0.96, 0.94, 0.95, 0.9, 0.92, 0.96, 0.98], None, 0.47, 0, 0),
    ("靖江市", "市(区)", [0.97, 0.96, 0.95, 0.93, 0.9, 0.96, 0.98], None, 1.6, 0, 0),
    ("泰兴市", "市(区)", [0.94, 0.93, 0.92, 0.9, 0.88, 0.94, 0.97], None, 1.0, 0, 0),
    ("兴化市", "市(区)", [0.93, 0.9, 0.92, 0.85, 0.84, 0.95, 0.96], None, 0.8, 1.0, 0),
    ("泰州医药高新区", "市(区)", [0.92, 0.9, 0.9, 0.86, 0.9, 0.92, 0.95], None, 1.5, 0, 0),
]
DISTRICT_TARGETS = [6.5, 50.0, 8.0, 120.0, 5.0, 1.2, 100.0]  # GDP增速%, 收入亿元, 工业增速%, 外贸亿元, 外资亿美元, 就业万人, 党建
DISTRICT_HEAD = ["gdp", "GDP目标", "revenue", "收入目标", "industry", "工业目标", "trade", "外贸目标", "fdi", "外资目标",
                 "jobs", "就业目标", "party_review", "党建满分"]

SANBI_DISTRICTS = [  # "三比一提升" 市(区)专项考核: 240 points; 姜堰区 loses 28 + 5 (办结率 95%), earns 4.17: 211.17
    ("海陵区", "市(区)", [0.98, 0.96, 0.95, 0.97, 0.96, 0.98], 0.99, 6.0, 0, 0),
    ("高港区", "市(区)", [0.9, 0.88, 0.86, 0.9, 0.9, 0.88], 0.96, 3.0, 0, 0),
    ("姜堰区", "市(区)", [0.9, 0.92, 0.88, 0.9, 0.94, 0.9], 0.95, 4.17, 0, 0),
    ("靖江市", "市(区)", [0.97, 0.95, 0.96, 0.95, 0.94, 0.97], 0.98, 5.5, 0, 0),
    ("泰兴市", "市(区)", [0.92, 0.9, 0.9, 0.92, 0.9, 0.9], 0.97, 2.0, 0, 0),
    ("兴化市", "市(区)", [0.88, 0.85, 0.84, 0.88, 0.86, 0.9], 0.93, 1.0, 0, 0),
    ("泰州医药高新区", "市(区)", [0.95, 0.93, 0.9, 0.96, 0.97, 0.9], 0.96, 3.5, 0, 0),
]
SANBI_DISTRICT_TARGETS = [20, 10.0, 5.0, 60, 0.028, 35]  # 新开工, 工业投资增速%, 外资亿美元, 高企, 研发占比, 亩均税收
SANBI_DISTRICT_HEAD = ["new_projects", "新开工目标", "investment", "工业投资目标", "foreign", "外资目标", "hitech",
                       "高企目标", "rd", "研发目标", "tax_per_mu", "亩均目标"]

PARKS = [  # "三比一提升" 园区专项考核: 200 points; 姜堰经济开发区 200 − 36 + 6.46, 现代科技产业园区 200 − 36 + 3.5
    ("姜堰经济开发区", "A档", [1.0, 0.9, 0.8, 0.76, 1.0, 0.9], 0.95, 6.46, 0, 0),
    ("靖江经济技术开发区", "A档", [0.92, 0.85, 0.7, 0.9, 0.95, 0.88], 0.96, 4.0, 0, 0),
    ("泰兴经济开发区", "A档", [0.9, 0.88, 0.8, 0.85, 0.9, 0.9], 0.96, 3.0, 0, 0),
    ("兴化经济开发区", "A档", [0.8, 0.82, 0.75, 0.7, 0.9, 0.86], 0.92, 2.5, 1, 0),
    ("泰州港经济开发区", "A档", [0.85, 0.8, 0.78, 0.8, 0.85, 0.82], 0.9, 1.0, 0, 0),
    ("姜堰区现代科技产业园区", "B档", [1.0, 0.88, 0.8, 0.8, 1.0, 1.0], 0.9, 3.5, 0, 0),
    ("海陵工业园区", "B档", [0.9, 0.8, 0.7, 0.85, 0.9, 0.95], 0.96, 3.0, 0, 0),
    ("泰兴高新技术产业园区", "B档", [0.95, 0.9, 0.82, 0.9, 0.92, 0.9], 0.95, 1.5, 0, 0),
    ("靖江城南产业园区", "B档", [0.85, 0.8, 0.75, 0.8, 0.85, 0.8], 0.92, 0.5, 0, 0),
    ("兴化戴南科技园区", "B档", [0.7, 0.75, 0.6, 0.7, 0.8, 0.8], 0.85, 0.0, 0, 1),
]
PARK_TARGETS = [12, 0.8, 0.3, 10, 0.025, 40]  # 新开工, 竣工率, 转化率, 高企, 研发占比, 亩均税收(万元/亩)
PARK_HEAD = ["new_projects", "新开工目标", "completion_rate", "竣工率目标", "conversion_rate", "转化率目标", "hitech",
             "高企目标", "rd", "研发目标", "tax_per_mu", "亩均目标"]

# (scheme file, run title, lines, item columns, targets)
RUNS = [
    ("taizhou_2021_districts.yaml", "2021年度市(区)综合考核", DISTRICTS, DISTRICT_HEAD, DISTRICT_TARGETS),
    ("taizhou_2021_sanbi_districts.yaml", "2021年度“三比一提升”市(区)专项考核", SANBI_DISTRICTS, SANBI_DISTRICT_HEAD,
     SANBI_DISTRICT_TARGETS),
    ("taizhou_2021_sanbi_parks.yaml", "2021年度“三比一提升”园区专项考核", PARKS, PARK_HEAD, PARK_TARGETS),
]


def rows(lines, head, targets) -> list[list]:
    with_rate = any(rate is not None for _n, _g, _r, rate, *_x in lines)
    out = [["单位", "分组", *head, *(["ticket_rate"] if with_rate else []), "加分", "扣分", "重大安全事故"]]
    for name, group, ratios, rate, bonus, minus, veto in lines:
        row = [name, group]
        for ratio, target in zip(ratios, targets):
            row += [round(ratio * target, 6), target]
        out.append(row + ([rate] if with_rate else []) + [bonus, minus, veto])
    return out


def build(zones: dict) -> None:
    """The city's three 2021 runs, published (so each zone below reads its own line), and its commendation list."""
    from tuijin.assessment import services
    from tuijin.core.scope import SYSTEM

    city = zones["taizhou"]
    parks_run = None
    for file, title, lines, head, targets in RUNS:
        scheme = services.scheme_save(member=SYSTEM, zone=city,
                                      yaml_text=(HERE / "data" / file).read_text(encoding="utf-8"))
        run = services.run_create(member=SYSTEM, scheme=scheme, title=title, year=2021,
                                  rows=rows(lines, head, targets), samples=500, seed=2021)
        services.run_publish(member=SYSTEM, run=run)
        parks_run = run
    services.commendation_from_run(member=SYSTEM, run=parks_run, title="2021年度“三比一提升”先进园区表彰名单",
                                   per_group=1, awards={"项目攻坚奖": ["姜堰经济开发区", "靖江经济技术开发区"]})
