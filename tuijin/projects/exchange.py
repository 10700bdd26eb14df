"""The project ledger (项目台账) in and out of Excel, through the one import framework."""
from __future__ import annotations

from decimal import Decimal

from tuijin.core.changelog import record_bulk, snapshot
from tuijin.exchange.base import ImportSummary, Importer, RowErrors, register
from tuijin.exchange.tabular import CellError, Column
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.projects.services import current_stage, stage_errors

CATEGORIES = {label: value for value, label in Project.Category.choices}
STAGE_LABELS = {label: value for value, label in Project.Stage.choices}
# template column → model field, for the dated stages the ledger carries
DATE_COLUMNS = [("签约日期", "signed_actual"), ("计划开工日期", "started_planned"), ("实际开工日期", "started_actual"),
                ("计划竣工日期", "completed_planned"), ("实际竣工日期", "completed_actual"),
                ("计划投产日期", "production_planned"), ("实际投产日期", "production_actual")]
FIELDS = ["name", "category", "is_foreign", "industry", "investor", "planned_investment", "year_planned_investment",
          "unit_id", "sponsor", "owner", "stage", "longitude", "latitude", "note", *(f for _h, f in DATE_COLUMNS)]
STAGE_ACTUAL = {"started": "started_actual", "completed": "completed_actual", "production": "production_actual",
                "signed": "signed_actual"}


def ledger_columns() -> list[Column]:
    money = dict(kind="decimal", min_value=0, width=14)
    return [
        Column("项目编号", "code", required=True, max_length=40, help="在本开发区内唯一;重复导入按编号更新"),
        Column("项目名称", "name", required=True, max_length=200, width=30),
        Column("项目类别", "category", "choice", required=True, choices=CATEGORIES),
        Column("是否外资", "is_foreign", "boolean", help="是/否", width=8),
        Column("所属行业", "industry", max_length=60),
        Column("投资主体", "investor", max_length=200, width=24),
        Column("计划总投资(万元)", "planned_investment", required=True, **money),
        Column("年度计划投资(万元)", "year_planned_investment", **money),
        Column("责任单位", "unit", required=True, width=16),
        Column("包挂领导", "sponsor", max_length=50),
        Column("责任人", "owner", max_length=50),
        Column("当前阶段", "stage", "choice", required=True, choices=STAGE_LABELS),
        *(Column(h, f, "date", width=12, help="如 2023-03-01") for h, f in DATE_COLUMNS),
        Column("经度", "longitude", "decimal", min_value=-180, max_value=180, width=11),
        Column("纬度", "latitude", "decimal", min_value=-90, max_value=90, width=11),
        Column("备注", "note", width=30),
    ]


@register
class ProjectImporter(Importer):
    name = "projects"
    title = "项目台账"
    key = "code"

    def columns(self, zone):
        return ledger_columns()

    def template_lists(self, zone, member):
        return {"unit": list(Unit.objects.restrict(member).filter(zone=zone).values_list("name", flat=True))}

    def apply(self, rows, *, zone, member, confirmed=False):
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        allowed = set(Unit.objects.restrict(member, "change").filter(zone=zone).values_list("pk", flat=True))
        existing = {p.code: p for p in Project.objects.filter(zone=zone, code__in=[r.values["code"] for r in rows])}
        visible = set(Project.objects.restrict(member, "change").filter(pk__in=[p.pk for p in existing.values()])
                      .values_list("pk", flat=True))
        errors, plan = [], []
        header = {c.field: c.header for c in ledger_columns()}
        header.update({f: h for h, f in DATE_COLUMNS})
        for row in rows:
            v = dict(row.values)
            unit = units.get(v.pop("unit"))
            if unit is None:
                errors.append(CellError(row.number, "责任单位", f"未知的责任单位「{row.values['unit']}」"))
                continue
            if unit.pk not in allowed:
                errors.append(CellError(row.number, "责任单位", f"「{unit.name}」不在您的数据权限范围内"))
                continue
            old = existing.get(v["code"])
            if old is not None and old.pk not in visible:
                errors.append(CellError(row.number, "项目编号", f"项目「{v['code']}」不在您的数据权限范围内"))
                continue
            dates = {f: v.get(f) for _h, f in DATE_COLUMNS}
            if old is not None:  # stages the ledger does not carry keep their stored dates
                for f in ("registered_actual", "land_actual", "capacity_actual"):
                    dates[f] = getattr(old, f)
            problems = stage_errors(dates)
            for field, message in problems.items():
                errors.append(CellError(row.number, header.get(field, "当前阶段"), message))
            derived = current_stage(dates)
            stage = v["stage"]
            order = [s for s in Project.Stage.values]
            if order.index(derived) > order.index(stage):
                errors.append(CellError(row.number, "当前阶段", f"填的是「{Project.Stage(stage).label}」,但日期显示已"
                                                               f"{Project.Stage(derived).label}"))
            needed = STAGE_ACTUAL.get(stage)
            if needed and not v.get(needed):
                errors.append(CellError(row.number, header[needed], f"当前阶段为「{Project.Stage(stage).label}」,须填写"
                                                                    f"{header[needed]}"))
            if problems or (needed and not v.get(needed)):
                continue
            v["unit_id"] = unit.pk
            v["is_foreign"] = bool(v.get("is_foreign"))
            for f in ("industry", "investor", "sponsor", "owner", "note"):
                v[f] = v.get(f) or ""
            v["year_planned_investment"] = v.get("year_planned_investment") or Decimal(0)
            plan.append((row.number, old, v))
        if errors:
            raise RowErrors(errors)
        summary, creates, updates = ImportSummary(), [], []
        for number, old, v in plan:
            if old is None:
                creates.append(Project(zone=zone, code=v["code"], **{f: v.get(f) for f in FIELDS}))
                summary.created += 1
                summary.changes.append({"row": number, "key": v["code"], "action": "新增", "fields": v["name"]})
                continue
            changed = [f for f in FIELDS if _norm(getattr(old, f)) != _norm(v.get(f))]
            if not changed:
                summary.unchanged += 1
                continue
            before = snapshot(old)
            for f in changed:
                setattr(old, f, v.get(f))
            updates.append((old, "update", before))
            summary.updated += 1
            summary.changes.append({"row": number, "key": v["code"], "action": "更新",
                                    "fields": "、".join(header.get(f.replace("_id", ""), f) for f in changed)})
        made = Project.objects.bulk_create(creates, batch_size=1000)
        if updates:
            Project.objects.bulk_update([u for u, _a, _b in updates], FIELDS, batch_size=1000)
        record_bulk([*((p, "create", None) for p in made), *updates])
        return summary

    def export_rows(self, *, zone, member, filters):
        from tuijin.projects.selectors import project_list

        qs = project_list(member=member, zone=zone, filters=filters)
        rows = []
        for p in qs.select_related("unit"):
            row = {"code": p.code, "name": p.name, "category": p.category, "is_foreign": p.is_foreign,
                   "industry": p.industry, "investor": p.investor, "planned_investment": p.planned_investment,
                   "year_planned_investment": p.year_planned_investment, "unit": p.unit.name, "sponsor": p.sponsor,
                   "owner": p.owner, "stage": p.stage, "longitude": p.longitude, "latitude": p.latitude,
                   "note": p.note}
            row.update({f: getattr(p, f) for _h, f in DATE_COLUMNS})
            rows.append(row)
        return rows


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return value if value not in (None, "") else None
