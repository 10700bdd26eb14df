"""Demo enterprises (一企一档): the seed's district (shifan) had 41 enterprises with revenue of 1亿元 or more and an
industrial output of 423亿元 (seed 002, for the year before its 2023 meeting); the demo gives it 41 such enterprises
in 2022, a tail below them, three years of figures, and an industrial output that adds up to 423亿元 in 2022. Huai'an
gets a handful. Every name, address and credit code is invented (the codes are generated, with valid check
characters); two names are those the demo's enterprise requests (tickets) are written for, so their pages show them.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from tuijin.core.scope import SYSTEM
from tuijin.enterprises import services
from tuijin.enterprises.uscc import CHARSET, make_code
from tuijin.org.models import Unit

TICKET_NAMES = ("华瑞科技有限公司", "恒信实业有限公司")  # as the tickets demo writes them (tickets/demo.py)
# 字号: two invented characters each, combined so that no name is a real company's by design
FIRST = "澄翊栖岚沐砚溯聿珩琮瑄璟昶煦沄骥"
SECOND = "川屿衡岳朔禾钧策瀚拓辰"
# (word in the name, industry as the register writes it, industrial?)
TRADES = [
    ("汽车零部件", "汽车制造业", True), ("精密机械", "通用设备制造业", True), ("新材料科技", "新材料", True),
    ("电子科技", "计算机、通信和其他电子设备制造业", True), ("化工", "化学原料和化学制品制造业", True),
    ("纺织", "纺织业", True), ("食品", "农副食品加工业", True), ("医药", "医药制造业", True),
    ("新能源科技", "电气机械和器材制造业", True), ("金属制品", "金属制品业", True), ("智能装备", "专用设备制造业", True),
    ("包装材料", "橡胶和塑料制品业", True), ("物流", "交通运输、仓储和邮政业", False), ("商贸", "批发和零售业", False),
    ("软件", "软件和信息技术服务业", False),
]
ROADS = ["创业大道", "兴港路", "滨海大道", "东方大道", "十里长街", "科技路", "工业一路", "工业二路", "纬三路", "经五路"]
SHIFAN_REGION = "340200"  # an invented zone still needs a region of the right shape
HUAIAN_REGION = "320800"
CENT = Decimal("0.01")


def _money(x: float) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


def _org_check(body8: str) -> str:
    """The check character of an organisation code (GB 11714), so the demo's codes look like real ones."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def credit_code(rng: random.Random, region: str) -> str:
    """A generated code of an enterprise (9 1 …): an older 8-digit organisation code or a newer MA… one."""
    if rng.random() < 0.45:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    return make_code("9", "1", region, body + _org_check(body))


def _names(rng: random.Random, place: str, n: int, taken: set[str], *, industrial_only: bool = False
           ) -> list[tuple[str, str, bool]]:
    trades = [t for t in TRADES if t[2]] if industrial_only else TRADES
    out = []
    while len(out) < n:
        word, industry, industrial = rng.choice(trades)
        name = f"{place}{rng.choice(FIRST)}{rng.choice(SECOND)}{word}有限公司"
        if name not in taken:
            taken.add(name)
            out.append((name, industry, industrial))
    return out


def _figures(rng: random.Random, revenue: float, industrial: bool, output_ratio: float) -> dict:
    output = revenue * output_ratio if industrial else None
    return {
        "revenue": _money(revenue), "tax": _money(revenue * rng.uniform(0.015, 0.06)),
        "output": _money(output) if output is not None else None,
        "value_added": _money((output or revenue) * rng.uniform(0.18, 0.3)),
        "energy": _money((output or revenue * 0.05) * rng.uniform(0.005, 0.06)),
        "rnd": _money(revenue * rng.uniform(0.005, 0.045)),
        "employees": int(revenue / rng.uniform(60, 180)) + 8,
        "above_scale": revenue >= 2000,  # the demo applies industry's 2000万元 to every trade
    }


def _store(zone, rng, region, spec, unit, years: dict[int, dict], address: str):
    name, industry, _industrial = spec
    enterprise = services.enterprise_save(
        member=SYSTEM, zone=zone, credit_code=credit_code(rng, region), name=name, unit=unit, industry=industry,
        address=address, land_area=_money(max(3.0, float(years[max(years)]["revenue"]) / rng.uniform(250, 1500))))
    for year, figures in sorted(years.items()):
        services.enterprise_year_save(member=SYSTEM, enterprise=enterprise, year=year, **figures)
    return enterprise


def _history(rng, revenue_last: float, last: int, first: int, industrial: bool, ratio: float) -> dict[int, dict]:
    """Figures for first..last, growing towards the last year's revenue."""
    years, revenue = {}, revenue_last
    for year in range(last, first - 1, -1):
        years[year] = _figures(rng, revenue, industrial, ratio)
        revenue = revenue / rng.uniform(0.92, 1.28)
    return years


def _shifan(zone, rng: random.Random) -> None:
    units = {u.name: u for u in Unit.objects.filter(zone=zone)}
    hosts = [units[n] for n in ("先进制造业园区", "先进制造业园区", "先进制造业园区", "滨海镇", "新港镇", "东城街道",
                                "西城街道")]
    taken = set(TICKET_NAMES)
    big = _names(rng, "示范", 35, taken, industrial_only=True) + _names(rng, "示范", 6, taken)  # most: industry
    tail = _names(rng, "示范", 77, taken) + [(TICKET_NAMES[0], "软件和信息技术服务业", False),
                                            (TICKET_NAMES[1], "金属制品业", True)]
    revenues = [10000 * 60 ** (rng.random() ** 2.4) for _ in big]
    revenues += [200 + 9700 * rng.random() ** 1.7 for _ in tail]
    revenues[len(big):len(big) + 6] = [1520, 1640, 1780, 1890, 1960, 2350]  # around the 规上 threshold
    specs = big + tail
    ratios = [rng.uniform(0.9, 1.12) for _ in specs]  # output / revenue of each industrial enterprise
    # Industrial output of 2022 adds up to the seed's 423亿元 (4230000万元): the large enterprises are scaled up to
    # carry what the tail does not (they stay at 1亿元 or more), and the ratios take up the rest.
    def industrial_output(part):
        return sum(revenues[k] * ratios[k] for k in part if specs[k][2])

    n_big = len(big)
    factor = (4230000 - industrial_output(range(n_big, len(specs)))) / industrial_output(range(n_big))
    revenues[:n_big] = [r * max(factor, 1.0) for r in revenues[:n_big]]
    scale = 4230000 / industrial_output(range(len(specs)))
    ratios = [q * scale for q in ratios]
    stored = []
    for k, (spec, revenue, ratio) in enumerate(zip(specs, revenues, ratios)):
        years = _history(rng, revenue, 2022, 2020, spec[2], ratio)
        if 1500 <= revenue < 2000 or k == len(big) + 5:  # near or just past the threshold, not yet 入规
            years[2022]["above_scale"] = False
        stored.append(_store(zone, rng, SHIFAN_REGION, spec, rng.choice(hosts), years,
                             f"示范区{rng.choice(ROADS)}{rng.randint(1, 399)}号"))
    _fix_output_total(zone, 2022, Decimal(4230000))
    # 培大育强: the office keeps the largest for 2022 (targets set from 2021) and for 2023 (from 2022)
    by_revenue = sorted(stored, key=lambda e: -float(e.years.get(year=2022).revenue))
    for year, base, n in ((2022, 2021, 8), (2023, 2022, 10)):
        for e in by_revenue[:n]:
            last = e.years.get(year=base).revenue
            target = (last * Decimal(str(rng.uniform(1.08, 1.22)))).quantize(Decimal(100), ROUND_HALF_UP)
            services.kept_save(member=SYSTEM, enterprise=e, year=year, target_revenue=target,
                               note=rng.choice(["", "扩产项目投产", "技改升级", "争创省级专精特新"]))


def _fix_output_total(zone, year: int, total: Decimal) -> None:
    """Rounding aside, the outputs add up to the seed's figure: the difference goes to the largest."""
    from tuijin.enterprises.models import EnterpriseYear

    rows = list(EnterpriseYear.objects.filter(zone=zone, year=year, output__isnull=False).order_by("-output"))
    gap = total - sum(r.output for r in rows)
    if rows and gap:
        services.enterprise_year_save(member=SYSTEM, enterprise=rows[0].enterprise, year=year,
                                      output=rows[0].output + gap)


def _huaian(zone, rng: random.Random) -> None:
    units = {u.name: u for u in Unit.objects.filter(zone=zone)}
    specs = [((TICKET_NAMES[0], "软件和信息技术服务业", False), "钵池街道", 6800),
             ((TICKET_NAMES[1], "金属制品业", True), "枚乘街道", 18500)]
    taken = set(TICKET_NAMES)
    for (spec, unit, revenue) in zip(_names(rng, "淮安", 6, taken),
                                     ["钵池街道", "枚乘街道", "高新技术产业园", "高新技术产业园", "综合保税区", "综合保税区"],
                                     [1720, 3900, 52000, 128000, 26000, 9400]):
        specs.append((spec, unit, revenue))
    stored = []
    for spec, unit, revenue in specs:
        years = _history(rng, revenue, 2022, 2021, spec[2], rng.uniform(0.92, 1.08))
        stored.append(_store(zone, rng, HUAIAN_REGION, spec, units[unit], years,
                             f"淮安经济技术开发区{rng.choice(ROADS)}{rng.randint(1, 299)}号"))
    for e in sorted(stored, key=lambda e: -float(e.years.get(year=2022).revenue))[:3]:
        target = (e.years.get(year=2022).revenue * Decimal("1.15")).quantize(Decimal(100), ROUND_HALF_UP)
        services.kept_save(member=SYSTEM, enterprise=e, year=2023, target_revenue=target)


def build(*, zones: dict, rng: random.Random) -> None:
    _shifan(zones["shifan"], rng)
    _huaian(zones["huaian"], rng)
    _service(zones["shifan"], random.Random("shifan:service"))
    _land_cases(zones["shifan"])


def _service(zone, rng: random.Random) -> None:
    """工业服务年 in shifan: liaisons for its ten largest enterprises, a visit to each in 2023 with a request raised
    through the ticket loop, most resolved, closed and rated (one 不满意, sent back for review); and the demo's older
    tickets naming an enterprise linked to the register."""
    import datetime as dt

    from django.utils import timezone

    from tuijin.enterprises.models import Enterprise
    from tuijin.org.models import Member
    from tuijin.tickets import services as tickets
    from tuijin.tickets.models import Ticket, TicketEvent

    A = TicketEvent.Action
    for e in Enterprise.objects.filter(name__in=TICKET_NAMES):
        Ticket.objects.filter(zone_id=e.zone_id, enterprise=e.name, enterprise_record__isnull=True).update(
            enterprise_record=e)
    office = Member.objects.filter(zone=zone, role=Member.Role.OFFICE).first()
    top = list(Enterprise.objects.filter(zone=zone, years__year=2022).order_by("-years__revenue")[:10])
    asks = ["用工招聘困难,请协调人社部门组织专场招聘", "新厂房施工许可办理较慢", "申请技改专项资金", "企业周边道路破损需修复",
            "电力增容申请", "高新技术企业认定辅导", "融资需求,请对接银行", "排污许可证延续"]
    ratings = ["satisfied", "satisfied", "fairly", "satisfied", "dissatisfied", "satisfied", "fairly", "satisfied"]
    for i, e in enumerate(top):
        liaison = Member.objects.filter(zone=zone, unit=e.unit).first() or office
        if liaison is not None:
            services.liaison_set(member=SYSTEM, enterprise=e, liaison=liaison)
        day = dt.date(2023, 3 + i % 6, 5 + i)
        visit = services.visit_log(member=liaison or SYSTEM, enterprise=e, visited_on=day,
                                   findings=f"走访{e.name},了解生产经营情况。企业反映:{asks[i % len(asks)]}。",
                                   request_title=asks[i % len(asks)] if i < len(asks) else "")
        t = visit.ticket
        if t is None:
            continue
        if i < 7:
            tickets.ticket_acknowledge(member=SYSTEM, ticket=t)
            tickets.ticket_resolve(member=SYSTEM, ticket=t, resolution="已协调相关部门办理,并向企业反馈。")
            tickets.ticket_close(member=SYSTEM, ticket=t)
            tickets.ticket_rate(member=SYSTEM, ticket=t, satisfaction=ratings[i],
                                comment="办理结果未解决实际问题,企业希望再协调。" if ratings[i] == "dissatisfied" else "")
        # The loop ran today; its dates are put where the visit was (the demo's 2023).
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        t.refresh_from_db()
        done = start + dt.timedelta(days=rng.randint(5, 25))  # when it was (last) resolved
        resolved = done if t.resolved_at else None
        Ticket.objects.filter(pk=t.pk).update(
            assigned_at=start, ack_due=start + dt.timedelta(hours=24), feedback_due=start + dt.timedelta(days=3),
            deadline=day + dt.timedelta(days=15), acknowledged_at=start + dt.timedelta(hours=5) if t.acknowledged_at
            else None, resolved_at=resolved, closed_at=resolved + dt.timedelta(days=1) if t.closed_at else None,
            rated_at=resolved + dt.timedelta(days=2) if t.rated_at else None)
        when = {A.ASSIGN: start, A.ACKNOWLEDGE: start + dt.timedelta(hours=5), A.RESOLVE: done,
                A.CLOSE: done + dt.timedelta(days=1), A.RATE: done + dt.timedelta(days=2),
                A.REOPEN: done + dt.timedelta(days=2)}
        for event in t.events.all():
            created = when.get(event.action, start)
            note = f"交办{t.assignee_unit.name},{day + dt.timedelta(days=15)}前办结" if event.action == A.ASSIGN \
                else event.note
            TicketEvent.objects.filter(pk=event.pk).update(created=created, note=note)


def _land_cases(zone) -> None:
    """Two small industrial enterprises of shifan for the 亩均 evaluation: one in rented workshops (no land of its own,
    0亩: not evaluated, with the reason) and one on 2.5亩 (below the 3亩 threshold: scored in a group of its own)."""
    from tuijin.enterprises.models import EnterpriseYear

    small = list(EnterpriseYear.objects.filter(zone=zone, year=2022, output__gt=0, enterprise__name__startswith="示范")
                 .order_by("output", "enterprise__name").select_related("enterprise")[:2])
    for row, land in zip(small, (Decimal(0), Decimal("2.5"))):
        services.enterprise_save(member=SYSTEM, zone=zone, enterprise=row.enterprise, land_area=land)
