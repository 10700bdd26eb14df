"""The project ledger (项目台账) in and out of Excel, through the one import framework.

The import is an adapter: each row becomes a call of ``project_create`` or ``project_update`` (the same rules as the
project form and the API), in the import's one transaction; each refusal becomes ``第N行 列名: 原因``.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from tuijin.exchange.base import ImportSummary, Importer, RowErrors, register
from tuijin.sheets.tabular import CellError, Column
from tuijin.org.models import Unit
from tuijin.projects import lifecycle, services
from tuijin.projects.models import Project

CATEGORIES = {label: value for value, label in Project.Category.choices}
STAGE_LABELS = {label: value for value, label in Project.Stage.choices}
# template column → model field, for the lifecycle dates the ledger carries (every actual date; some planned ones)
DATE_COLUMNS = [(h, f) for s in lifecycle.STAGES
                for h, f in ([(s.planned_header, s.planned_field)] if s.ledger_planned else [])
                + [(s.actual_header, s.actual_field)]]
TEXT_FIELDS = ("industry", "investor", "sponsor", "owner", "note")


def ledger_columns() -> list[Column]:
    money = dict(kind="decimal", min_value=0, width=14)
    return [
        Column("项目编号", "code", required=True, max_length=40, help="在本开发区内唯一;重复导入按编号更新"),
        Column("项目名称", "name", required=True, max_length=200, width=30),
        Column("项目类别", "category", "choice", required=True, choices=CATEGORIES),
        Column("是否外资", "is_foreign", "boolean", help="是/否(也可填外资/内资)", width=8,
               words={"外资": True, "内资": False}),
        Column("所属行业", "industry", max_length=60),
        Column("投资主体", "investor", max_length=200, width=24),
        Column("计划总投资(万元)", "planned_investment", required=True, **money),
        Column("年度计划投资(万元)", "year_planned_investment", **money),
        Column("责任单位", "unit", required=True, width=16),
        Column("包挂领导", "sponsor", max_length=50),
        Column("责任人", "owner", max_length=50),
        Column("当前阶段", "stage", "choice", required=True, choices=STAGE_LABELS,
               help="须与实际日期一致:填到哪个阶段,就须填写该阶段的实际日期"),
        *(Column(h, f, "date", width=12, help="如 2023-03-01") for h, f in DATE_COLUMNS),
        Column("经度", "longitude", "decimal", min_value=-180, max_value=180, width=11),
        Column("纬度", "latitude", "decimal", min_value=-90, max_value=90, width=11),
        Column("备注", "note", width=30),
    ]


def field_header(field: str) -> str:
    """The column a service error about ``field`` belongs to (a date the ledger does not carry: its own name)."""
    headers = {c.field: c.header for c in ledger_columns()}
    if field in headers:
        return headers[field]
    for s in lifecycle.STAGES:
        if field == s.planned_field:
            return s.planned_header
        if field == s.actual_field:
            return s.actual_header
    if field in (NON_FIELD_ERRORS, "zone"):
        return headers["code"]
    try:
        return str(Project._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a name the model does not know is still worth showing
        return field


def row_fields(values: dict, names: list[str]) -> dict:
    """A parsed row as the service's fields (``names``: the ledger's fields but unit and stage); empty optional
    cells as the model's empty values."""
    fields = {f: values.get(f) for f in names}
    fields["is_foreign"] = bool(fields.get("is_foreign"))
    for f in TEXT_FIELDS:
        fields[f] = fields.get(f) or ""
    fields["year_planned_investment"] = fields.get("year_planned_investment") or Decimal(0)
    return fields


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
        batch = services.ProjectBatch(member=member, zone=zone, codes=[r.values["code"] for r in rows])
        errors, summary, headers = [], ImportSummary(), {}
        names = [c.field for c in ledger_columns() if c.field not in ("unit", "stage")]
        for row in rows:
            fields = row_fields(row.values, names)
            unit = units.get(row.values["unit"])
            if unit is None:
                errors.append(CellError(row.number, "责任单位", f"未知的责任单位「{row.values['unit']}」"))
                continue
            fields["unit"] = unit
            old = batch.existing.get(fields["code"])
            try:
                if old is not None and old.pk in batch.changeable:
                    project = services.project_update(member=member, project=old, stage=row.values["stage"],
                                                      batch=batch, **fields)
                else:  # new, or another unit's: the service refuses a code already used
                    project = services.project_create(member=member, zone=zone, stage=row.values["stage"],
                                                      batch=batch, **fields)
                    summary.created_row(row.number, project.code, project.name)
                    continue
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    header = headers.setdefault(field, field_header(field))
                    errors += [CellError(row.number, header, m) for m in messages]
                continue
            except PermissionDenied as exc:
                errors.append(CellError(row.number, "项目编号", str(exc)))
                continue
            changed = [headers.setdefault(f, field_header(f.removesuffix("_id"))) for f in batch.changed_fields(project)]
            summary.updated_row(row.number, project.code, "、".join(dict.fromkeys(changed)))
        if errors:
            raise RowErrors(errors)
        batch.flush()
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
