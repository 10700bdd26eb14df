"""Each demo zone's campaign from the seeds: theme, headline goal, stage goals and key tasks."""
from __future__ import annotations

import datetime as dt
import random

from tuijin.campaigns.models import Campaign, KeyTask, StageGoal
from tuijin.org.models import Unit

JIAXING_TASKS = [
    "着力提升招商引资“含金量”", "着力打好有效投资“翻身仗”", "着力啃下转型升级“硬骨头”", "着力打响改革创新“攻坚战”",
    "着力刷新城市建设“高颜值”", "着力增强人民群众“获得感”", "着力铸就安全稳定“平安鼎”", "着力打造基层党建“新高地”",
]
CAMPAIGNS = {
    "jiaxing": (2022, "“四个年”活动", "当排头、做先锋", "跻身国家级开发区第一方阵", JIAXING_TASKS,
                ["区投资促进中心", "区发展改革局", "区经济信息化局", "区发展改革局", "区建设交通局", "城南街道", "区政法委",
                 "党政办公室"]),
    "huaian": (2023, "“干在实处、走在前列”攻坚行动", "进入“全国30强”、在全市当排头走前列", "大干三季度、决胜下半年",
               ["指标争先进位", "项目攻坚突破", "优化营商环境", "推进改革开放", "保障改善民生", "维护安全稳定"],
               ["经济发展局", "招商局", "区市场监督管理局", "商务局", "钵池街道", "枚乘街道"]),
    "jimo": (2021, "项目落地年", "加快建设城市发展新中心", "把“规划图”变成“施工图”,把“时间表”变成“计程表”",
             ["抓好党建、强化机制,聚力改革创新", "抓好招商、提升服务,聚力双招双引", "抓好项目、促进落地,聚势项目建设",
              "抓好配套、提升品质,聚能城市建设"], ["党政办公室", "投资促进部", "经济发展部", "建设管理部"]),
    "jiangyan": (2021, "争先领先年", "站稳全省考核第一方阵、全市考核第一等次", "抓短板、创特色;抓统筹、提质效;抓落实、强作风",
                 ["攻坚项目建设,提高项目竣工率、规上转化率、财税贡献率", "补齐短板指标", "争创特色亮点,力争更多“加分项”“夺金点”"],
                 ["区发改委", "姜堰经济开发区", "区综合考核办公室"]),
    "shifan": (2023, "“工业服务年”、“项目推进年”", "全力推进现代化建设新进程", "服务工业、服务企业经常化、规范化、高效化",
               ["狠抓项目推进", "狠抓工业服务", "深化机关效能建设"], ["区两年活动办公室", "区工业和信息化局", "区经济发展局"]),
}


def build(*, zones: dict, rng: random.Random) -> None:
    for code, (year, theme, goal, description, tasks, leads) in CAMPAIGNS.items():
        zone = zones[code]
        camp = Campaign.objects.create(zone=zone, year=year, theme=theme, headline_goal=goal, description=description)
        for kind, due in (("strong_start", dt.date(year, 3, 31)), ("double_half", dt.date(year, 6, 30)),
                          ("every_quarter", dt.date(year, 12, 31)), ("full_year", dt.date(year, 12, 31))):
            StageGoal.objects.create(zone=zone, campaign=camp, kind=kind, due=due)
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        for seq, (title, lead) in enumerate(zip(tasks, leads), start=1):
            progress = rng.choice([100, 100, 85, 70, 60, 40])
            status = "done" if progress == 100 else ("lagging" if progress <= 40 else "in_progress")
            KeyTask.objects.create(zone=zone, campaign=camp, seq=seq, title=title, lead_unit=units[lead],
                                   deadline=dt.date(year, 12, 31), progress=progress, status=status)
