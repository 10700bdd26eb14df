"""Dispatch: one zone (40 units × 60 indicators, 3 years of monthly history) in the engine and as a page;
a province (130 zones × 40 units × 60 indicators) end to end from the database."""
import random
import time
from decimal import Decimal

import numpy as np


def make_zone(index: int, rng: random.Random, *, years=(2021, 2022, 2023), months=range(1, 13)):
    from tuijin.indicators.models import Actual, Indicator, Target
    from tuijin.indicators.services import catalogue_install
    from tuijin.org.demo import build_scale_zone
    from tuijin.org.models import Unit

    zone = build_scale_zone(index=index, rng=rng)
    inds = [i for i in catalogue_install(zone=zone) if not i.is_computed]
    for k in range(60 - len(inds) - 1):
        inds.append(Indicator.objects.create(zone=zone, code=f"x{k:02d}", name=f"合成指标{k:02d}", unit="万元",
                                             sort_order=500 + k))
    units = list(Unit.objects.filter(zone=zone).exclude(kind="office"))
    units.append(Unit.objects.get(zone=zone, kind="office"))
    rows, targets = [], []
    for u in units:
        for ind in inds:
            base = Decimal(rng.randint(1000, 50000))
            targets.append(Target(zone=zone, unit=u, indicator=ind, year=years[-1], value=base * 12))
            for y in years:
                for m in months:
                    rows.append(Actual(zone=zone, unit=u, indicator=ind, year=y, month=m, ytd=base * m,
                                       state="approved"))
    Target.objects.bulk_create(targets, batch_size=5000)
    Actual.objects.bulk_create(rows, batch_size=5000)
    return zone, len(units), len(inds) + 1


def run():
    from tuijin.core.benchsupport import median_ms, setup_django

    setup_django()
    from django.db import connection
    from django.test import Client

    from tuijin.core.scope import SYSTEM
    from tuijin.engine import dispatch as eng
    from tuijin.indicators.dispatch import dispatch_table
    from tuijin.org.demo import make_member
    from tuijin.org.models import Unit

    rows = []
    rng = np.random.default_rng(0)
    n = 40 * 60
    segment = eng.segments_of([f"i{i % 60}" for i in range(n)], [("A", "B")[i // 60 % 2] for i in range(n)])
    inp = eng.DispatchInput(actual=rng.uniform(1, 100, n), target=rng.uniform(50, 200, n),
                            last_year=rng.uniform(1, 100, n), higher_is_better=np.ones(n, dtype=bool),
                            time_progress=np.full(n, 0.5), segment=segment)
    rows.append({"benchmark": "dispatch engine, 40 units × 60 indicators", "figure": median_ms(lambda: eng.dispatch(inp)),
                 "unit": "ms", "limit": "≤ 50 ms"})

    zone, n_units, n_inds = make_zone(801, random.Random(1))
    t = time.perf_counter()
    table = dispatch_table(member=SYSTEM, zone=zone, year=2023, month=6)
    rows.append({"benchmark": f"dispatch of one zone from the database ({n_units} units × {n_inds} indicators, "
                              f"3 years monthly, {connection.vendor})", "figure": (time.perf_counter() - t) * 1000,
                 "unit": "ms", "limit": ""})
    assert len(table) > 2000
    office = make_member(username="bench_dispatch", unit=Unit.objects.get(zone=zone, kind="office"), role="office",
                         scope="zone")
    client = Client()
    client.force_login(office.user)
    assert client.get("/indicators/?period=2023-06&all=1").status_code == 200
    rows.append({"benchmark": f"dispatch page, all indicators ({connection.vendor})",
                 "figure": median_ms(lambda: client.get("/indicators/?period=2023-06&all=1"), repeat=7),
                 "unit": "ms", "limit": "≤ 150 ms (PostgreSQL)"})

    zones = [make_zone(1000 + i, random.Random(i), years=(2022, 2023), months=(6,))[0] for i in range(130)]
    from tuijin.indicators.province import province_dispatch

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them on a live database

    t = time.perf_counter()
    result = province_dispatch(member=SYSTEM, zones=zones, year=2023, month=6)
    rows.append({"benchmark": f"province dispatch, 130 zones × 40 units × 60 indicators ({len(result['unit']):,} rows, "
                              f"{connection.vendor})", "figure": time.perf_counter() - t, "unit": "s", "limit": "≤ 2 s"})
    t = time.perf_counter()
    total = sum(len(dispatch_table(member=SYSTEM, zone=z, year=2023, month=6)) for z in zones[:13])
    rows.append({"benchmark": f"… the same zone by zone with the full per-zone table (13 zones, {total:,} rows)",
                 "figure": time.perf_counter() - t, "unit": "s", "limit": ""})
    return rows
