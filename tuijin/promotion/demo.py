"""Demo 招商: Huai'an's 2023 signed projects (the seed's 49 of ≥1亿元, 10 of them foreign-funded) come out of the
funnel — each with the lead before it, the talks, the signing, and for many registration, capital in place and the
start of works as the ledger dates them — beside leads still in talks, leads not yet assessed and leads dropped.

Every person here is invented (tuijin/projects/tests checks the ledger's names; these follow the same rule)."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.promotion.models import Capital, Lead, Visit

D = dt.date
BRINGERS = ["钱海峰", "刘思远", "马晓东", "胡志刚", "林一帆", "宋佳琪"]  # invented
SOURCES = ["referral", "referral", "resident", "agency", "expo", "chain"]
RATE_2023 = Decimal("7.0")  # 元 per US dollar used by the zone for its 2023 ledger (an invented round rate)
DROP_REASONS = ["投资方调整战略布局,项目暂缓", "用地指标无法满足项目需求", "环评要求与项目工艺不符", "投资方转投其他地区",
                "融资未落实,项目终止"]
OPEN_LEADS = [("新能源电池包", "华瑞"), ("汽车电子", "中科"), ("高端医疗器械", "博远"), ("功能性薄膜", "新宇"),
              ("冷链物流基地", "盛达"), ("智能传感器", "凯澜"), ("锂电隔膜", "鼎盛"), ("预制菜加工", "天合"),
              ("光伏组件", "海川"), ("工业机器人", "德昌"), ("半导体封测", "立讯"), ("碳纤维复合材料", "恒信")]


def _visit(zone, lead, on, kind, summary, rng):
    return Visit(zone=zone, lead=lead, on=on, kind=kind, summary=summary, people=rng.choice(BRINGERS))


def build(*, zones: dict, rng: random.Random) -> None:
    zone = zones["huaian"]
    today = zone.as_of
    units = {u.name: u for u in Unit.objects.filter(zone=zone)}
    bureau = units["招商局"]
    leads, visits, capital = [], [], []
    projects = list(Project.objects.filter(zone=zone, code__startswith="HA2023-0").order_by("code"))
    for i, p in enumerate(projects):
        lead_on = p.signed_actual - dt.timedelta(days=rng.randint(70, 200))
        talks_on = lead_on + dt.timedelta(days=rng.randint(7, 30))
        foreign = p.is_foreign
        amount = (p.planned_investment / RATE_2023).quantize(Decimal("0.01")) if foreign else p.planned_investment
        lead = Lead(zone=zone, name=p.name, source=SOURCES[i % len(SOURCES)],
                    unit=bureau if i % 3 else p.unit, brought_by=rng.choice(BRINGERS), serving_unit=p.unit,
                    investor=p.investor, industry=p.industry, is_foreign=foreign, currency="USD" if foreign else "CNY",
                    amount=amount, exchange_rate=RATE_2023 if foreign else None,
                    intended_investment=p.planned_investment, assess_by=lead_on + dt.timedelta(days=30),
                    lead_on=lead_on, talks_on=talks_on, signed_on=p.signed_actual, project=p, stage="signed")
        if p.registered_actual:
            lead.registered_on, lead.stage = p.registered_actual, "registered"
            registered = (p.planned_investment * Decimal("0.3")).quantize(Decimal(1))
            capital.append(_capital(zone, p, "registered", p.registered_actual, registered, foreign))
            end = p.started_actual or today
            if p.started_actual or rng.random() < 0.5:
                on = p.registered_actual + (end - p.registered_actual) // 2
                share = Decimal("1.1") if i == 7 else Decimal(str(rng.choice([0.4, 0.6, 0.8, 1.0])))
                capital.append(_capital(zone, p, "received", on, (registered * share).quantize(Decimal(1)), foreign))
                lead.capital_on, lead.stage = on, "capital"
                if p.started_actual:
                    lead.started_on, lead.stage = p.started_actual, "started"
        leads.append(lead)
        visits.append(_visit(zone, lead, lead_on + dt.timedelta(days=3), "visit", "首次接洽,了解投资意向与用地需求", rng))
        visits.append(_visit(zone, lead, talks_on, "talk", "洽谈投资规模、建设周期与政策支持", rng))
        visits.append(_visit(zone, lead, talks_on + dt.timedelta(days=rng.randint(5, 20)), "inspection",
                             "投资方实地考察园区载体与配套", rng))
    street_units = [u for u in units.values() if u.kind in (Unit.Kind.STREET, Unit.Kind.PARK)]
    for j, (industry, investor) in enumerate(OPEN_LEADS * 2):
        lead_on = today - dt.timedelta(days=rng.randint(10, 150))
        unit = rng.choice(street_units) if j % 2 else bureau
        amount = Decimal(rng.randint(30, 250) * 500)
        lead = Lead(zone=zone, name=f"{investor}{industry}项目", source=rng.choice(SOURCES), unit=unit,
                    brought_by=rng.choice(BRINGERS), serving_unit=rng.choice(street_units),
                    investor=investor + rng.choice(["科技有限公司", "集团有限公司", "实业有限公司"]), industry=industry,
                    amount=amount, intended_investment=amount, assess_by=lead_on + dt.timedelta(days=30),
                    lead_on=lead_on, stage="lead")
        if j < 10:  # in talks
            lead.talks_on, lead.stage = lead_on + dt.timedelta(days=rng.randint(5, 25)), "talks"
        elif j < 17:  # dropped, with the reason
            lead.talks_on = lead_on + dt.timedelta(days=rng.randint(5, 25)) if j % 2 else None
            lead.dropped_on = (lead.talks_on or lead_on) + dt.timedelta(days=rng.randint(5, 30))
            lead.stage, lead.drop_reason = "dropped", rng.choice(DROP_REASONS)
            lead.dropped_on = min(lead.dropped_on, today)
        else:  # not assessed yet; some past the date their first assessment was due
            lead.lead_on = today - dt.timedelta(days=rng.randint(5, 60))
            lead.assess_by = lead.lead_on + dt.timedelta(days=30)
        if lead.talks_on and lead.talks_on > today:
            lead.talks_on = today
        leads.append(lead)
        visits.append(_visit(zone, lead, lead.lead_on, "visit", "首次接洽,了解投资意向", rng))
    Lead.objects.bulk_create(leads, batch_size=500)
    Visit.objects.bulk_create(visits, batch_size=1000)
    Capital.objects.bulk_create(capital, batch_size=500)


def _capital(zone, project, kind, on, cny: Decimal, foreign: bool) -> Capital:
    usd = (cny / RATE_2023).quantize(Decimal("0.01")) if foreign else None
    return Capital(zone=zone, project=project, kind=kind, on=on, currency="USD" if foreign else "CNY",
                   amount=usd if foreign else cny, exchange_rate=RATE_2023 if foreign else None,
                   amount_cny=(usd * RATE_2023).quantize(Decimal("0.01")) if foreign else cny, amount_usd=usd)
