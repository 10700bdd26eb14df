"""Which unit a problem should go to: the coordinating department its text names ("需住建部门协调" → 建设局).

People write departments by their common short forms; ``ALIASES`` (the one table of them) says which words in a
zone's unit names each short form stands for. A problem naming no unit of the zone goes to the project's own unit.
"""
from __future__ import annotations

import re

# short form as written in a problem → words of the units' official names it stands for (most specific first)
ALIASES: dict[str, tuple[str, ...]] = {
    "住建": ("住房和城乡建设", "住建", "建设"),
    "住房城乡建设": ("住房和城乡建设", "建设"),
    "建设": ("住房和城乡建设", "建设"),
    "自规": ("自然资源和规划", "自然资源"),
    "自然资源": ("自然资源和规划", "自然资源"),
    "国土": ("自然资源和规划", "自然资源", "国土"),
    "规划": ("自然资源和规划", "规划"),
    "市场监管": ("市场监督管理", "市场监管"),
    "市场监督管理": ("市场监督管理",),
    "发改": ("发展改革", "发展和改革", "发改"),
    "发展改革": ("发展改革", "发展和改革", "发改"),
    "经信": ("经济信息化", "经济和信息化", "工业和信息化"),
    "工信": ("工业和信息化", "经济信息化", "经济和信息化"),
    "经济信息化": ("经济信息化", "经济和信息化"),
    "工业和信息化": ("工业和信息化",),
    "财政": ("财政",),
    "商务": ("商务",),
    "招商": ("招商", "投资促进"),
    "投促": ("投资促进", "招商"),
    "投资促进": ("投资促进",),
    "科技": ("科技",),
    "环保": ("生态环境", "环保", "环境保护"),
    "生态环境": ("生态环境", "环保"),
    "人社": ("人力资源和社会保障", "人社"),
    "应急": ("应急管理",),
    "交通": ("交通运输", "交通"),
    "税务": ("税务",),
}
# A short form counts as a department only with one of these after it ("住建部门", "科技局"), so company names
# ("华瑞科技有限公司") and ordinary words ("项目建设") name no department.
SUFFIX = r"(?:部门|分局|局|委员会|委|办公室|办|中心|部|所|条线|口)"
_MENTION = re.compile("(" + "|".join(sorted(map(re.escape, ALIASES), key=len, reverse=True)) + ")" + SUFFIX)
_TRIM = re.compile(r"^(?:区|市|县)|(?:分局|局|委员会|委|办公室|中心|部)$")


def _departments_first(units):
    return sorted(units, key=lambda u: (getattr(u, "kind", "") != "department", len(u.name)))


def suggest_unit(units, text: str):
    """The unit among ``units`` the text names (its full name, or a short form with a department word after it),
    the first named in the text; None when it names none."""
    text = (text or "").strip()
    if not text:
        return None
    units = [u for u in units if u.name]
    found: list[tuple[int, object]] = []
    # The unit's own name, or its name without 区/市 and 局/委/中心 ("市场监督管理局" in "区市场监督管理局").
    for u in units:
        for name in {u.name, _TRIM.sub("", u.name)}:
            if len(name) < 2:
                continue
            at = text.find(name)
            if at >= 0 and (name == u.name or re.match(SUFFIX, text[at + len(name):])):
                found.append((at, u))
                break
    # Short forms: 住建部门, 自规局, 市场监管部门, 投促中心 …
    for m in _MENTION.finditer(text):
        for word in ALIASES[m.group(1)]:
            match = next((u for u in _departments_first(units) if word in u.name), None)
            if match is not None:
                found.append((m.start(), match))
                break
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    return found[0][1]


def default_assignee(zone, text: str, *, project=None):
    """Whom a problem goes to by default: the unit of ``zone`` its text names, else the project's own unit."""
    from tuijin.org.models import Unit

    unit = suggest_unit(Unit.objects.filter(zone=zone, is_active=True), text)
    if unit is None and project is not None:
        unit = project.unit
    return unit
