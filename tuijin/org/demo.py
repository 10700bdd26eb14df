"""The demo zones and their units, from the seeds (names the seeds give, plus plausible others)."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from tuijin.org.models import Member, Unit
from tuijin.core.models import Zone
from tuijin.core.scope import SYSTEM
from tuijin.org.services import unit_create, zone_create

DEMO_PASSWORD = "tuijin2026"

OFFICE, DEPT, STREET, TOWN, PARK = (Unit.Kind.OFFICE, Unit.Kind.DEPARTMENT, Unit.Kind.STREET, Unit.Kind.TOWN,
                                    Unit.Kind.PARK)

# (code, name, short name, level, province, city, units: (name, kind, group))
ZONES = [
    ("jiaxing", "嘉兴经济技术开发区", "嘉兴经开区", Zone.Level.NATIONAL, "浙江省", "嘉兴市", [
        ("党政办公室", OFFICE, ""),
        ("区发展改革局", DEPT, "部门"), ("区投资促进中心", DEPT, "部门"), ("区建设交通局", DEPT, "部门"),
        ("区政法委", DEPT, "部门"), ("区财政局", DEPT, "部门"), ("区经济信息化局", DEPT, "部门"),
        ("区商务局", DEPT, "部门"), ("区自然资源和规划分局", DEPT, "部门"),
        ("城南街道", STREET, "街道"), ("嘉北街道", STREET, "街道"), ("塘汇街道", STREET, "街道"),
        ("长水街道", STREET, "街道"),
        ("国际商务区", PARK, "园区"), ("马家浜健康食品小镇", PARK, "园区"),
    ]),
    ("jiangyan", "江苏姜堰经济开发区", "姜堰经开区", Zone.Level.PROVINCIAL, "江苏省", "泰州市", [
        ("区综合考核办公室", OFFICE, ""),
        ("姜堰经济开发区", PARK, "A档"), ("姜堰高新技术产业开发区", PARK, "A档"), ("溱湖经济开发区", PARK, "A档"),
        ("姜堰区现代科技产业园区", PARK, "B档"), ("姜堰区现代农业产业园区", PARK, "B档"),
        ("姜堰区数字经济产业园", PARK, "B档"), ("姜堰区大伦产业园区", PARK, "B档"),
        ("三水街道", STREET, "镇街"), ("顾高镇", TOWN, "镇街"), ("张甸镇", TOWN, "镇街"), ("娄庄镇", TOWN, "镇街"),
        ("区政法委", DEPT, "部门"), ("区发改委", DEPT, "部门"), ("区退役军人事务局", DEPT, "部门"),
    ]),
    ("huaian", "淮安经济技术开发区", "淮安经开区", Zone.Level.NATIONAL, "江苏省", "淮安市", [
        ("党政办公室", OFFICE, ""),
        ("经济发展局", DEPT, "部门"), ("财政局", DEPT, "部门"), ("商务局", DEPT, "部门"), ("招商局", DEPT, "部门"),
        ("建设局", DEPT, "部门"), ("区市场监督管理局", DEPT, "部门"), ("科技局", DEPT, "部门"),
        ("钵池街道", STREET, "街道"), ("枚乘街道", STREET, "街道"), ("徐杨街道", STREET, "街道"),
        ("南马厂街道", STREET, "街道"),
        ("综合保税区", PARK, "园区"), ("高新技术产业园", PARK, "园区"),
    ]),
    ("jimo", "即墨经济开发区", "即墨经开区", Zone.Level.PROVINCIAL, "山东省", "青岛市", [
        ("党政办公室", OFFICE, ""),
        ("经济发展部", DEPT, "部门"), ("投资促进部", DEPT, "部门"), ("建设管理部", DEPT, "部门"),
        ("财政金融部", DEPT, "部门"), ("社会事务部", DEPT, "部门"),
        ("新一代信息技术产业园", PARK, "园区"), ("生物医药产业园", PARK, "园区"), ("音乐文化产业园", PARK, "园区"),
    ]),
    ("shifan", "示范经济开发区", "示范区", Zone.Level.PROVINCIAL, "", "", [
        ("区两年活动办公室", OFFICE, ""),
        ("区经济发展局", DEPT, "部门"), ("区工业和信息化局", DEPT, "部门"), ("区财政局", DEPT, "部门"),
        ("区建设局", DEPT, "部门"), ("区招商服务中心", DEPT, "部门"),
        ("东城街道", STREET, "镇街"), ("西城街道", STREET, "镇街"), ("滨海镇", TOWN, "镇街"), ("新港镇", TOWN, "镇街"),
        ("先进制造业园区", PARK, "园区"),
    ]),
]

# The org tree above the zones (the seed 001 figures, the rest illustrative): 泰州市 assesses its districts (市(区)) and
# its parks (A档/B档); 姜堰区 is one of its districts, and the Jiangyan zone and 姜堰区现代科技产业园区 are two of its
# parks. Each city unit of a district or park that is a zone here stands for it (Unit.represents); the other districts
# and parks are made up, as illustrative data beside them.
# (code, name, short name, level, province, city, parent code, units: (name, kind, group, represented zone code))
DISTRICT = Unit.Kind.DISTRICT
ABOVE = [
    ("taizhou", "泰州市", "泰州市", Zone.Level.CITY, "江苏省", "泰州市", None, [
        ("市综合考核办公室", OFFICE, "", None),
        ("海陵区", DISTRICT, "市(区)", None), ("高港区", DISTRICT, "市(区)", None),
        ("姜堰区", DISTRICT, "市(区)", "jiangyanqu"), ("靖江市", DISTRICT, "市(区)", None),
        ("泰兴市", DISTRICT, "市(区)", None), ("兴化市", DISTRICT, "市(区)", None),
        ("泰州医药高新区", DISTRICT, "市(区)", None),
        ("姜堰经济开发区", PARK, "A档", "jiangyan"), ("靖江经济技术开发区", PARK, "A档", None),
        ("泰兴经济开发区", PARK, "A档", None), ("兴化经济开发区", PARK, "A档", None),
        ("泰州港经济开发区", PARK, "A档", None),
        ("姜堰区现代科技产业园区", PARK, "B档", "jiangyan-tech"), ("海陵工业园区", PARK, "B档", None),
        ("泰兴高新技术产业园区", PARK, "B档", None), ("靖江城南产业园区", PARK, "B档", None),
        ("兴化戴南科技园区", PARK, "B档", None),
    ]),
    ("jiangyanqu", "泰州市姜堰区", "姜堰区", Zone.Level.DISTRICT, "江苏省", "泰州市", "taizhou", [
        ("区综合考核办公室", OFFICE, "", None),
    ]),
    ("jiangyan-tech", "姜堰区现代科技产业园区", "现代科技产业园区", Zone.Level.PROVINCIAL, "江苏省", "泰州市", "jiangyanqu", [
        ("园区党政办公室", OFFICE, "", None),
    ]),
]
PARENT = {"jiangyan": "jiangyanqu"}  # the seeds' zones that belong to a level above

# The day each demo zone is seen on: the Huai'an office is reviewing July 2023's filings; the other zones have
# closed the year their seed describes. Days late and overdue are counted to this date (Zone.as_of).
DOC_PREFIX = {"huaian": "淮经开办", "jiaxing": "嘉经开办", "jiangyan": "姜开办", "jimo": "即开办", "shifan": "示范办",
              "taizhou": "泰考核办", "jiangyanqu": "泰姜考核办", "jiangyan-tech": "姜科园办"}
AS_OF = {"huaian": dt.date(2023, 8, 8), "jiaxing": dt.date(2023, 1, 12), "jiangyan": dt.date(2022, 1, 12),
         "jimo": dt.date(2022, 1, 12), "shifan": dt.date(2023, 10, 12), "taizhou": dt.date(2022, 1, 12),
         "jiangyanqu": dt.date(2022, 1, 12), "jiangyan-tech": dt.date(2022, 1, 12)}

# (username, zone, unit, role, scope, full name, title)
ACCOUNTS = [
    ("admin", "huaian", "党政办公室", Member.Role.ADMIN, Member.Scope.ALL, "系统管理员", "管理员"),
    ("office", "huaian", "党政办公室", Member.Role.OFFICE, Member.Scope.ZONE, "王晓", "考核办科员"),
    ("leader", "huaian", "党政办公室", Member.Role.LEADER, Member.Scope.ZONE, "梁振华", "管委会主任"),
    ("street", "huaian", "钵池街道", Member.Role.STAFF, Member.Scope.UNIT, "陈静", "钵池街道经济科"),
    ("meicheng", "huaian", "枚乘街道", Member.Role.STAFF, Member.Scope.UNIT, "周宁", "枚乘街道经济科"),
    ("jiaxing", "jiaxing", "党政办公室", Member.Role.OFFICE, Member.Scope.ZONE, "沈一鸣", "项目办"),
    ("jiangyan", "jiangyan", "区综合考核办公室", Member.Role.OFFICE, Member.Scope.ZONE, "钱立", "考核办"),
    ("jimo", "jimo", "党政办公室", Member.Role.OFFICE, Member.Scope.ZONE, "孙涛", "项目办"),
    ("shifan", "shifan", "区两年活动办公室", Member.Role.OFFICE, Member.Scope.ZONE, "李华", "两年活动办"),
    ("taizhou", "taizhou", "市综合考核办公室", Member.Role.OFFICE, Member.Scope.ZONE, "顾远", "市考核办"),
]


def make_member(*, username: str, unit: Unit, role: str, scope: str, full_name: str = "", title: str = "",
                password: str = DEMO_PASSWORD) -> Member:
    """A demo or test account; demo accounts are not forced to change their password."""
    User = get_user_model()
    user = User(username=username, is_staff=role == Member.Role.ADMIN, is_superuser=role == Member.Role.ADMIN)
    user.set_password(password)
    user.save()
    return Member.objects.create(user=user, zone=unit.zone, unit=unit, role=role, scope=scope, full_name=full_name,
                                 title=title, must_change_password=False)


def build_zone(code, name, short, level, province, city, units) -> Zone:
    zone = zone_create(code=code, name=name, short_name=short, level=level, province=province, city=city)
    root = None
    for i, (unit_name, kind, group) in enumerate(units):
        unit = unit_create(member=SYSTEM, zone=zone, name=unit_name, kind=kind, group=group, sort_order=i,
                           parent=None if kind == OFFICE or root is None else root)
        if kind == OFFICE and root is None:
            root = unit
    return zone


def build_above(zones: dict[str, Zone]) -> None:
    """泰州市 above 姜堰区 above the Jiangyan zone and 姜堰区现代科技产业园区; the city's units for them."""
    for code, name, short, level, province, city, parent, units in ABOVE:
        zones[code] = zone_create(code=code, name=name, short_name=short, level=level, province=province, city=city,
                                  parent=zones[parent] if parent else None)
    for code, parent in PARENT.items():
        Zone.objects.filter(pk=zones[code].pk).update(parent=zones[parent])
        zones[code].parent = zones[parent]
    for code, *_rest, units in ABOVE:
        root = None
        for i, (unit_name, kind, group, represents) in enumerate(units):
            unit = unit_create(member=SYSTEM, zone=zones[code], name=unit_name, kind=kind, group=group, sort_order=i,
                               parent=root, represents=zones[represents] if represents else None)
            root = root or unit


def build(*, zones: dict[str, Zone], rng: random.Random) -> None:
    for spec in ZONES:
        zones[spec[0]] = build_zone(*spec)
    build_above(zones)
    for code, zone in zones.items():
        if code not in AS_OF:
            continue
        Zone.objects.filter(pk=zone.pk).update(as_of=AS_OF[code], doc_prefix=DOC_PREFIX[code])
        zone.as_of, zone.doc_prefix = AS_OF[code], DOC_PREFIX[code]
    for username, zone_code, unit_name, role, scope, full_name, title in ACCOUNTS:
        unit = Unit.objects.get(zone=zones[zone_code], name=unit_name)
        make_member(username=username, unit=unit, role=role, scope=scope, full_name=full_name, title=title)


SYNTHETIC_KINDS = [(DEPT, "部门", 14), (STREET, "街道", 12), (TOWN, "镇", 6), (PARK, "园区", 7)]


def build_scale_zone(*, index: int, rng: random.Random) -> Zone:
    """A synthetic zone of 40 units (1 office + 39) for benchmarks."""
    units = [("管委会办公室", OFFICE, "")]
    for kind, label, count in SYNTHETIC_KINDS:
        group = {STREET: "街道", TOWN: "镇街", PARK: rng.choice(["A档", "B档"])}.get(kind, "部门")
        units += [(f"{label}{i + 1:02d}", kind, group if kind != PARK else rng.choice(["A档", "B档"]))
                  for i in range(count)]
    return build_zone(f"z{index:03d}", f"合成开发区{index:03d}", f"合成{index:03d}", Zone.Level.PROVINCIAL,
                      "合成省", "", units)
