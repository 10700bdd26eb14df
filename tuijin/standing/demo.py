"""Demo standing: the shipped national lists (with the Jiaxing seed's 2021 figures: 19th overall, 8th in 利用外资,
2nd in Zhejiang in both), the goals the seeds name (嘉兴: 跻身国家级开发区第一方阵; 淮安: 进入"全国30强"), the lead
department of each indicator, one 补齐短板 ticket in Jiaxing, and the shifan district's two firsts in its city (seed 002:
"实际利用外资总量位居全市第一", "继续在市对各县(市、区)工作目标责任制考评中排名第一"; the seed names neither the city nor the
field's size, so neither is given)."""
from __future__ import annotations

import random

from tuijin.core.scope import SYSTEM
from tuijin.org.models import Unit
from tuijin.standing.models import Level
from tuijin.standing.services import goal_set, leads_save, lists_load, result_record, shortfall_assign

# zone → {indicator code: lead unit name}
LEADS = {
    "jiaxing": {"utilized_fdi": "区投资促进中心", "trade_total": "区商务局", "gdp": "区发展改革局",
                "large_manufacturers": "区经济信息化局", "listed_companies": "区财政局",
                "rd_intensity": "区经济信息化局", "high_tech_enterprises": "区经济信息化局",
                "energy_per_value_added": "区经济信息化局", "co2_growth": "区发展改革局",
                "joint_parks": "区发展改革局"},
    "huaian": {"utilized_fdi": "招商局", "trade_total": "商务局", "gdp": "经济发展局",
               "large_manufacturers": "经济发展局", "rd_intensity": "科技局", "rd_institutions": "科技局",
               "high_tech_enterprises": "科技局", "energy_per_value_added": "经济发展局", "listed_companies": "财政局"},
}
GOALS = {
    # 嘉兴 seed 000: "朝着跻身国家级开发区第一方阵的目标" (read here as the national top 10)
    "jiaxing": dict(target_rank=10, label="跻身国家级开发区第一方阵(全国前10)"),
    # 淮安 seed 003: "以进入'全国30强'……为奋斗目标"
    "huaian": dict(target_rank=30, label="进入全国30强"),
}


def build(*, zones: dict, rng: random.Random) -> None:
    from tuijin.standing.services import indicator_catalogue

    lists_load(member=SYSTEM)
    names = {i["code"]: i["name"] for i in indicator_catalogue()}
    for code, spec in GOALS.items():
        goal_set(member=SYSTEM, zone=zones[code], kind="rank", **spec)
    for code, leads in LEADS.items():
        zone = zones[code]
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        leads_save(member=SYSTEM, zone=zone, leads={c: (names[c], units[u]) for c, u in leads.items()})
    shortfall_assign(member=SYSTEM, zone=zones["jiaxing"], code="utilized_fdi",
                     note="对标利用外资单项前5名,梳理在谈外资项目清单,逐月报送到资进度。")
    seed = "在全区开展“工业服务年”、“项目推进年”活动动员大会上的讲话(2023年2月28日)"
    for title, item in (("2022年度市对各县(市、区)工作目标责任制考评", ""), ("2022年全市各县(市、区)实际利用外资总量", "实际利用外资")):
        result_record(member=SYSTEM, zone=zones["shifan"], issuer="市委、市政府", level=Level.CITY, title=title,
                      year=2022, item=item, rank=1, source=seed)
