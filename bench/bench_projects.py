"""Project ledger: import of 10,000 projects (and the same file through django-import-export), the ledger page
over 50,000 projects, lag detection over 100,000 projects."""
import datetime as dt
import io
import time
from decimal import Decimal

import numpy as np


def ledger_file(n: int, units: list[str]) -> bytes:
    from openpyxl import Workbook

    from tuijin.projects.exchange import ledger_columns

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目台账")
    headers = [c.header for c in ledger_columns()]
    ws.append(headers)
    for i in range(n):
        signed = dt.date(2023, 1 + i % 12, 1 + i % 28)
        started = signed + dt.timedelta(days=90) if i % 3 else None
        row = {"项目编号": f"P{i:06d}", "项目名称": f"测试项目{i}", "项目类别": "产业项目",
               "是否外资": "是" if i % 7 == 0 else "否", "所属行业": "新材料", "投资主体": "某公司",
               "计划总投资(万元)": 10000 + i, "年度计划投资(万元)": 3000, "责任单位": units[i % len(units)],
               "包挂领导": "刘主任", "责任人": "王磊", "当前阶段": "开工" if started else "签约",
               "签约日期": signed, "计划开工日期": signed + dt.timedelta(days=80), "实际开工日期": started,
               "计划竣工日期": signed + dt.timedelta(days=500), "经度": 119.1, "纬度": 33.5, "备注": ""}
        ws.append([row.get(h) for h in headers])  # by header: the layout follows the lifecycle's columns
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run():
    from tuijin.core.benchsupport import median_ms, setup_django

    setup_django()
    from django.db import connection
    from django.test import Client

    from tuijin.core.scope import SYSTEM
    from tuijin.exchange.base import get_importer, run_import
    from tuijin.org.demo import build_scale_zone, make_member
    from tuijin.org.models import Unit
    from tuijin.projects.models import Project
    import random

    rows = []
    zone = build_scale_zone(index=901, rng=random.Random(1))
    units = list(Unit.objects.filter(zone=zone).exclude(kind="office").values_list("name", flat=True))
    data = ledger_file(10000, units)
    t = time.perf_counter()
    outcome = run_import(get_importer("projects"), data, "ledger.xlsx", zone=zone, member=SYSTEM)
    ours = time.perf_counter() - t
    assert outcome.ok and outcome.summary.created == 10000, outcome.message
    rows.append({"benchmark": f"ledger import, 10,000 projects validated and stored ({connection.vendor})",
                 "figure": ours, "unit": "s", "limit": "≤ 5 s (SQLite)"})

    # the same file through django-import-export, side by side
    import tablib
    from import_export import fields, resources, widgets

    zone2 = build_scale_zone(index=902, rng=random.Random(2))

    class ProjectResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="项目编号")
        name = fields.Field(attribute="name", column_name="项目名称")
        planned_investment = fields.Field(attribute="planned_investment", column_name="计划总投资(万元)",
                                          widget=widgets.DecimalWidget())
        unit = fields.Field(attribute="unit", column_name="责任单位",
                            widget=widgets.ForeignKeyWidget(Unit, field="name"))
        signed_actual = fields.Field(attribute="signed_actual", column_name="签约日期", widget=widgets.DateWidget())

        class Meta:
            model = Project
            import_id_fields = ("code",)
            fields = ("code", "name", "planned_investment", "unit", "signed_actual")

        def before_save_instance(self, instance, row, **kwargs):
            instance.zone = zone2
            instance.category = "industry"

    dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    res = ProjectResource()
    res.fields["unit"].widget = widgets.ForeignKeyWidget(Unit, field="name")
    res.fields["unit"].widget.get_queryset = lambda value, row, *a, **k: Unit.objects.filter(zone=zone2)
    t = time.perf_counter()
    res.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    theirs = time.perf_counter() - t
    rows.append({"benchmark": "same file through django-import-export (5 of 22 columns, no checks)", "figure": theirs,
                 "unit": "s", "limit": ""})
    rows.append({"benchmark": "django-import-export time ÷ tuijin import time", "figure": theirs / ours, "unit": "x",
                 "limit": ""})

    # ledger page over 50,000 projects
    big = build_scale_zone(index=903, rng=random.Random(3))
    big_units = list(Unit.objects.filter(zone=big).exclude(kind="office"))
    Project.objects.bulk_create([Project(zone=big, code=f"B{i:06d}", name=f"项目{i}", category=("industry", "service")[i % 2],
                                         unit=big_units[i % len(big_units)], planned_investment=Decimal(1000 + i),
                                         signed_actual=dt.date(2023, 1 + i % 12, 1), stage="signed")
                                 for i in range(50000)], batch_size=5000)
    office = make_member(username="bench_office", unit=Unit.objects.get(zone=big, kind="office"), role="office",
                         scope="zone")
    client = Client()
    client.force_login(office.user)
    url = "/projects/?category=industry&page=37&sort=-investment"
    response = client.get(url)
    assert response.status_code == 200 and "B0" in response.content.decode(), response.status_code
    ms = median_ms(lambda: client.get(url))
    rows.append({"benchmark": f"ledger page, 50,000 projects, filtered + sorted + paginated ({connection.vendor})",
                 "figure": ms, "unit": "ms", "limit": "≤ 150 ms (PostgreSQL)"})

    # lag detection over 100,000 projects (engine)
    from tuijin.engine import lag

    rng = np.random.default_rng(0)
    today = dt.date(2026, 11, 1).toordinal()
    planned = rng.integers(today - 900, today + 300, size=(100000, 18)).astype(float)
    actual = np.where(rng.random((100000, 18)) < 0.6, planned + rng.integers(-10, 40, size=(100000, 18)), np.nan)
    last = rng.integers(today - 90, today, size=100000).astype(float)
    t = time.perf_counter()
    lag.detect(planned, actual, dt.date(2026, 11, 1), last_progress=last)
    rows.append({"benchmark": "lag detection, 100,000 projects × 18 stages/nodes (engine)",
                 "figure": time.perf_counter() - t, "unit": "s", "limit": "≤ 1 s"})
    return rows
