"""Demo projects: Jimo's 2021 项目落地年 (13 key industrial + 20 infrastructure projects), Huai'an's 2023 new
signed projects (49 of ≥1亿元 with 280.63亿元 planned in total, 10 of them foreign-funded with 57.7亿元), and a
plausible ledger for the other zones, with node plans, monthly progress, lagging projects.

Every person here is invented: sponsor leaders and owners are made-up names, none of them a name the seeds
mention (the seeds' officials are real people). Only the figures and facts the seeds publish come from them."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from tuijin.campaigns.models import Campaign, KeyTask, Milestone
from tuijin.org.models import Member, Unit
from tuijin.projects import lifecycle
from tuijin.projects.models import NodePlanTemplate, Project, ProjectNode, ProjectProgress, TemplateNode
from tuijin.projects.services import current_stage, plan_nodes

D = dt.date
INDUSTRIES = ["新一代信息技术", "高端装备制造", "新能源汽车零部件", "生物医药", "新材料", "食品加工", "现代物流", "智能家电"]
INVESTORS = ["华瑞", "中科", "恒信", "海川", "博远", "新宇", "鼎盛", "天合", "立讯", "盛达", "德昌", "凯澜"]
FOREIGN = ["日本", "韩国", "德国", "新加坡", "中国香港", "中国台湾", "美国", "瑞士"]
INFRA = ["道路改造工程", "污水管网工程", "学校新建工程", "人才公寓", "河道整治工程", "公园提升工程", "安置房项目",
         "邻里中心", "变电站配套工程", "智慧停车场"]
# Invented people (tuijin/projects/tests checks that none is a name of the seeds).
SPONSORS = ["韩立新", "许文博", "程远航", "邵明辉", "温建平"]
OWNERS = ["王磊", "张敏", "李强", "赵静", "陈晨", "孙悦"]
CAMPAIGN_ZONES = ("huaian", "jiaxing", "jiangyan", "jimo", "shifan")
LAST_FILED = D(2026, 10, 25)  # "today" of a zone without a fixed as-of date (the synthetic ones)


def _today(zone) -> dt.date:
    """The day the zone is seen on (Zone.as_of, set by org.demo): nothing has happened after it yet."""
    return zone.as_of or LAST_FILED


def split_amounts(total: int, n: int, rng: random.Random, minimum: int = 10000) -> list[Decimal]:
    """``n`` amounts in 万元, each ≥ ``minimum``, summing exactly to ``total``."""
    spare = total - n * minimum
    weights = [rng.uniform(0.3, 3.0) for _ in range(n)]
    s = sum(weights)
    parts = [int(spare * w / s) // 100 * 100 for w in weights]
    parts[-1] += spare - sum(parts)
    return [Decimal(minimum + p) for p in parts]


def make_project(zone, rng, *, code, name, category, unit, amount, signed, campaign=None, is_foreign=False,
                 investor="", industry="", today=None, lag=False, coords=None) -> Project:
    """A project signed on ``signed`` with a plausible schedule; actual dates up to ``today`` (default: the zone's
    as-of date; some late if ``lag``)."""
    today = today or _today(zone)
    p = Project(zone=zone, code=code, name=name, category=category, unit=unit, planned_investment=amount,
                year_planned_investment=(amount * Decimal(str(rng.uniform(0.2, 0.45)))).quantize(Decimal(1)),
                is_foreign=is_foreign, investor=investor, industry=industry, campaign=campaign,
                sponsor=rng.choice(SPONSORS), owner=rng.choice(OWNERS),
                signed_planned=signed, signed_actual=signed if signed <= today else None)
    slip = rng.choice([0] * 8 + [10, 25]) if not lag else 0
    stopped = p.signed_actual is None  # later stages cannot happen before an earlier one
    for stage in lifecycle.STAGES[1:]:  # signed on ``signed``; the rest on a typical schedule
        planned = signed + dt.timedelta(days=stage.typical_days + rng.randint(-10, 20))
        setattr(p, stage.planned_field, planned)
        actual = planned + dt.timedelta(days=slip)
        if lag and lifecycle.ORDER[stage.code] >= lifecycle.ORDER["started"]:  # stuck from the start of works
            actual = None if planned < today else planned
        if actual is not None and actual <= today and not stopped:
            setattr(p, stage.actual_field, actual)
        else:
            stopped = True
    p.stage = current_stage({f: getattr(p, f) for f in lifecycle.ACTUAL_FIELDS})
    if p.production_actual is not None:
        p.above_scale = rng.random() < 0.6
        p.tax_contribution = (amount * Decimal(str(rng.uniform(0.01, 0.05)))).quantize(Decimal(1))
    if coords:
        p.longitude, p.latitude = (Decimal(str(round(coords[0] + rng.uniform(-0.05, 0.05), 6))),
                                   Decimal(str(round(coords[1] + rng.uniform(-0.04, 0.04), 6))))
    p.last_progress = today if rng.random() > 0.05 else today - dt.timedelta(days=66)
    return p


def progress_for(projects: list[Project], rng: random.Random, until: dt.date | None = None) -> list[ProjectProgress]:
    """Monthly progress from the start of works until ``until`` (default: each project's zone's as-of date)."""
    rows = []
    for p in projects:
        if p.started_actual is None:
            continue
        last = until or _today(p.zone)
        y, m = p.started_actual.year, p.started_actual.month
        ytd, year = Decimal(0), y
        while D(y, m, 1) <= last:
            if y != year:
                ytd, year = Decimal(0), y
            month_amount = (p.planned_investment / 30 * Decimal(str(rng.uniform(0.5, 1.5)))).quantize(Decimal(1))
            done = p.completed_actual is not None and D(y, m, 1) > p.completed_actual
            if done:
                month_amount = Decimal(0)  # nothing more invested once built: the year's total stands still
            ytd += month_amount  # 本年累计 is always the sum of the year's 本月 figures, as progress_save keeps it
            rows.append(ProjectProgress(
                zone=p.zone, project=p, year=y, month=m, invested_month=month_amount,
                invested_ytd=ytd, state=ProjectProgress.State.APPROVED, filed_on=min(D(y, m, 25), last),
                physical_progress="已竣工投产" if done else rng.choice(["主体结构施工", "钢结构安装", "设备进场调试",
                                                                   "厂房封顶", "基础施工", "室外配套施工"]),
                problems=""))
            m += 1
            if m > 12:
                y, m = y + 1, 1
    return rows


def node_templates(zone) -> dict[str, NodePlanTemplate]:
    out = {}
    specs = {
        "在建项目节点计划(11个节点)": ("industry", [("立项备案", 15, None), ("用地预审", 30, 1), ("环评批复", 40, 1),
                                        ("规划许可", 30, 2), ("施工许可", 20, 4), ("桩基施工", 60, 5),
                                        ("主体施工", 180, 6), ("设备安装", 90, 7), ("竣工验收", 30, 8),
                                        ("试生产", 60, 9), ("正式投产", 30, 10)]),
        "招商线索节点计划(3个节点)": ("lead", [("首次洽谈", 30, None), ("实地考察", 30, 1), ("签约落地", 60, 2)]),
    }
    for name, (category, nodes) in specs.items():
        t = NodePlanTemplate.objects.create(zone=zone, name=name, category=category)
        made = {}
        for seq, (node, days, after) in enumerate(nodes, start=1):
            made[seq] = TemplateNode.objects.create(zone=zone, template=t, seq=seq, name=node, duration_days=days,
                                                    after=made.get(after))
        out[category] = t
    return out


def attach_nodes(project: Project, template: NodePlanTemplate, today=None) -> list[ProjectNode]:
    today = today or _today(project.zone)
    out = []
    for seq, name, begin, end in plan_nodes(list(template.nodes.all()), project.signed_actual):
        actual = end + dt.timedelta(days=3) if end < today and (project.started_actual or seq <= 3) else None
        out.append(ProjectNode(zone=project.zone, project=project, seq=seq, name=name, planned_start=begin,
                               planned_date=end, actual_date=actual))
    return out


def _units(zone, kinds=(Unit.Kind.STREET, Unit.Kind.PARK, Unit.Kind.TOWN, Unit.Kind.DEPARTMENT)):
    return list(Unit.objects.filter(zone=zone, kind__in=kinds).order_by("sort_order"))


def build(*, zones: dict, rng: random.Random) -> None:
    all_projects: list[Project] = []
    nodes: list[ProjectNode] = []

    # Huai'an 2023: 49 new signed ≥1亿元 (280.63亿元), 10 of them foreign-funded (57.7亿元).
    huaian = zones["huaian"]
    camp = Campaign.objects.get(zone=huaian, year=2023)
    units = _units(huaian, (Unit.Kind.STREET, Unit.Kind.PARK))
    templates = node_templates(huaian)
    foreign = split_amounts(577000, 10, rng)
    domestic = split_amounts(2806300 - 577000, 39, rng)
    amounts = [(a, True) for a in foreign] + [(a, False) for a in domestic]
    rng.shuffle(amounts)
    for i, (amount, is_foreign) in enumerate(amounts, start=1):
        signed = D(2023, 1, 5) + dt.timedelta(days=int(175 * i / 49))
        industry = rng.choice(INDUSTRIES)
        investor = (rng.choice(FOREIGN) + rng.choice(INVESTORS) + "株式会社") if is_foreign else \
            (rng.choice(INVESTORS) + rng.choice(["科技", "实业", "集团", "新能源"]) + "有限公司")
        p = make_project(huaian, rng, code=f"HA2023-{i:03d}", name=f"{investor[:6]}{industry}项目", category="industry",
                         unit=rng.choice(units), amount=amount, signed=signed, campaign=camp, is_foreign=is_foreign,
                         investor=investor, industry=industry, lag=i % 9 == 0, coords=(119.08, 33.55))
        all_projects.append(p)
    for i in range(1, 13):  # older projects still under way, and a few small ones
        signed = D(2022, rng.randint(1, 12), rng.randint(1, 28))
        all_projects.append(make_project(huaian, rng, code=f"HA2022-{i:03d}", name=f"{rng.choice(INVESTORS)}"
                                         f"{rng.choice(INDUSTRIES)}扩建项目", category=rng.choice(["industry", "service"]),
                                         unit=rng.choice(units), amount=Decimal(rng.randint(30, 300) * 100),
                                         signed=signed, lag=i % 4 == 0, coords=(119.08, 33.55)))
    for i in range(1, 9):
        signed = D(2023, rng.randint(1, 6), rng.randint(1, 28))
        all_projects.append(make_project(huaian, rng, code=f"HA2023-J{i:02d}", name=f"经开区{rng.choice(INFRA)}",
                                         category="infrastructure", unit=rng.choice(units),
                                         amount=Decimal(rng.randint(20, 90) * 100), signed=signed, campaign=camp,
                                         coords=(119.08, 33.55)))

    # Jimo 2021 项目落地年: 13 key industrial projects and 20 infrastructure projects.
    jimo = zones["jimo"]
    camp = Campaign.objects.get(zone=jimo, year=2021)
    units = _units(jimo)
    for i in range(1, 14):
        industry = ["新一代信息技术", "生物医药", "音乐文化"][i % 3]
        all_projects.append(make_project(
            jimo, rng, code=f"JM2021-CY{i:02d}", name=f"{rng.choice(INVESTORS)}{industry}产业园项目", category="industry",
            unit=rng.choice(units), amount=Decimal(rng.randint(10, 80) * 1000), signed=D(2021, rng.randint(1, 9), 10),
            campaign=camp, industry=industry, investor=rng.choice(INVESTORS) + "集团", lag=i in (4, 9),
            coords=(120.45, 36.39)))
    for i in range(1, 21):
        all_projects.append(make_project(
            jimo, rng, code=f"JM2021-JC{i:02d}", name=f"城市发展新中心{INFRA[i % len(INFRA)]}({i}期)",
            category="infrastructure", unit=rng.choice(units), amount=Decimal(rng.randint(5, 60) * 500),
            signed=D(2021, rng.randint(1, 8), 15), campaign=camp, lag=i in (3, 11, 17), coords=(120.45, 36.39)))

    # The other zones: a plausible ledger each.
    for code, year, prefix, center in (("jiaxing", 2022, "JX", (120.76, 30.77)), ("jiangyan", 2021, "JY", (120.15, 32.51)),
                                       ("shifan", 2023, "SF", (121.0, 31.0))):
        zone = zones[code]
        camp = Campaign.objects.filter(zone=zone).order_by("-year").first()
        units = _units(zone)
        for i in range(1, 19):
            cat = rng.choice(["industry", "industry", "infrastructure", "social", "service"])
            all_projects.append(make_project(
                zone, rng, code=f"{prefix}{year}-{i:03d}", name=f"{rng.choice(INVESTORS)}{rng.choice(INDUSTRIES)}项目"
                if cat != "infrastructure" else rng.choice(INFRA), category=cat, unit=rng.choice(units),
                amount=Decimal(rng.randint(20, 400) * 100), signed=D(year, rng.randint(1, 10), rng.randint(1, 28)),
                campaign=camp, lag=i % 6 == 0, coords=center))

    leaders = sponsor_members(zones)
    for p in all_projects:
        p.sponsor_member = leaders[(p.zone_id, p.sponsor)]
        p.sponsor = p.sponsor_member.full_name
    key_task_people(zones, leaders)
    Project.objects.bulk_create(all_projects, batch_size=500)
    for p in all_projects:
        if p.zone_id == huaian.pk and p.category == "industry" and p.code.startswith("HA2023-0") and int(p.code[-2:]) <= 12:
            nodes += attach_nodes(p, templates["industry"])
    ProjectNode.objects.bulk_create(nodes)
    ProjectProgress.objects.bulk_create(progress_for(all_projects, rng), batch_size=2000)


# The demo leader account (org.demo) sponsors the Huai'an projects of the first invented leader: it has projects of
# its own to open under 我包挂的项目.
DEMO_LEADER = ("huaian", "leader")


def sponsor_members(zones: dict) -> dict[tuple[int, str], Member]:
    """The invented sponsor leaders (包挂领导) as members of each demo zone with the role leader (without a password:
    they do not sign in), keyed by (zone id, name); in Huai'an the demo leader account stands for the first."""
    User = get_user_model()
    out = {}
    for code in CAMPAIGN_ZONES:
        zone = zones[code]
        root = Unit.objects.filter(zone=zone, parent__isnull=True).order_by("sort_order", "id").first()
        for i, name in enumerate(SPONSORS, start=1):
            if (code, i) == (DEMO_LEADER[0], 1):
                out[(zone.pk, name)] = Member.objects.select_related("user").get(user__username=DEMO_LEADER[1])
                continue
            user = User(username=f"{code}-leader{i}")
            user.set_unusable_password()
            user.save()
            out[(zone.pk, name)] = Member.objects.create(
                user=user, zone=zone, unit=root, role=Member.Role.LEADER, scope=Member.Scope.ZONE, full_name=name,
                title="包挂领导", must_change_password=False)
    return out


def key_task_people(zones: dict, leaders: dict) -> None:
    """Each demo key task gets a responsible leader and person and three milestones in its campaign's year: done
    up to the zone's as-of date, except the mid-year one of a lagging task."""
    for code in CAMPAIGN_ZONES:
        zone = zones[code]
        today = _today(zone)
        for task in KeyTask.objects.filter(zone=zone).select_related("campaign").order_by("seq"):
            year = task.campaign.year
            task.sponsor = leaders[(zone.pk, SPONSORS[task.seq % len(SPONSORS)])]
            task.owner = OWNERS[task.seq % len(OWNERS)]
            task.save(update_fields=["sponsor", "owner"])
            plan = [("制定工作方案", D(year, 3, 31)), ("完成年度目标过半", D(year, 6, 30)), ("全面完成年度任务", D(year, 11, 30))]
            Milestone.objects.bulk_create([
                Milestone(zone=zone, task=task, seq=i, name=name, due=due,
                          done_on=None if (due > today or (i == 2 and task.status == "lagging"))
                          else due - dt.timedelta(days=3 * i))
                for i, (name, due) in enumerate(plan, start=1)])


def build_scale(*, zone, rng: random.Random) -> None:
    units = _units(zone)
    projects = [make_project(zone, rng, code=f"S{zone.code}-{i:05d}", name=f"{rng.choice(INVESTORS)}"
                             f"{rng.choice(INDUSTRIES)}项目", category=rng.choice(["industry", "infrastructure", "service"]),
                             unit=rng.choice(units), amount=Decimal(rng.randint(10, 500) * 100),
                             signed=D(rng.choice([2022, 2023]), rng.randint(1, 12), rng.randint(1, 28)), lag=i % 7 == 0)
                for i in range(1, 501)]
    Project.objects.bulk_create(projects, batch_size=500)
