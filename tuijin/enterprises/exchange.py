"""The enterprise register in and out of Excel, through the one import framework (docs/exchange.md).

One row per enterprise with one year's figures; the year is chosen for the whole file (``tuijin import enterprises
FILE --zone CODE --year YYYY``, the import page's 年度), and a filled 年度 cell must agree with it, so a file exported
for one year cannot be read into another by a slip. The import is an adapter: each row becomes a call of
``enterprise_save`` and ``enterprise_year_save`` (the same rules as the forms and the API) in the import's one
transaction, and each refusal becomes ``第N行 列名: 原因``.
"""
from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from tuijin.core.params import parse_int
from tuijin.core.periods import YEAR_MIN
from tuijin.enterprises import selectors, services
from tuijin.enterprises.models import Enterprise, EnterpriseYear
from tuijin.enterprises.uscc import normalise
from tuijin.exchange.base import ImportOption, ImportSummary, Importer, RowErrors, register
from tuijin.sheets.tabular import CellError, Column, FileProblem
from tuijin.org.models import Unit

FIGURES = ("revenue", "tax", "output", "value_added", "energy", "rnd", "employees")


def enterprise_columns() -> list[Column]:
    money = dict(kind="decimal", width=14, help="不能为负数")
    return [
        Column("统一社会信用代码", "credit_code", required=True, width=22,
               help="18位,第18位为校验码;已登记的代码按代码更新"),
        Column("企业名称", "name", required=True, width=30, help="不超过200个字,在本开发区内唯一"),
        Column("服务单位", "unit", required=True, width=16, help="本开发区的单位名称"),
        Column("所属行业", "industry", width=16, help="不超过60个字"),
        Column("地址", "address", width=30, help="不超过200个字"),
        Column("用地面积(亩)", "land_area", "decimal", width=12, help="0—1000000,最多两位小数"),
        Column("年度", "year", "integer", width=8, help="可空;填写时须与导入时选择的年度一致"),
        Column("营业收入(万元)", "revenue", **money),
        Column("税收(万元)", "tax", **money),
        Column("工业总产值(万元)", "output", **money),
        Column("增加值(万元)", "value_added", "decimal", width=14),
        Column("能耗(吨标煤)", "energy", **money),
        Column("研发投入(万元)", "rnd", **money),
        Column("从业人员(人)", "employees", "integer", width=12, help="不能为负数"),
        Column("规上", "above_scale", "boolean", width=8, help="该年度是否为规模以上企业;空表示不变"),
    ]


HEADERS = {c.field: c.header for c in enterprise_columns()}


def header_of(field: str) -> str:
    if field in HEADERS:
        return HEADERS[field]
    return HEADERS["credit_code"] if field in (NON_FIELD_ERRORS, "zone", "enterprise") else field


def _values(enterprise: Enterprise | None, year_row: EnterpriseYear | None) -> dict:
    out = {}
    if enterprise is not None:
        out.update({f: getattr(enterprise, f) for f in ("credit_code", "name", "address", "industry", "land_area")})
        out["unit"] = enterprise.unit_id
    if year_row is not None:
        out.update({f: getattr(year_row, f) for f in (*FIGURES, "above_scale")})
    return out


@register
class EnterpriseImporter(Importer):
    name = "enterprises"
    title = "企业年度数据"
    key = "credit_code"

    @property
    def options(self):
        this_year = timezone.localdate().year
        years = tuple((str(y), f"{y}年") for y in range(this_year, YEAR_MIN - 1, -1))
        return (ImportOption("year", "年度", years, str(this_year - 1)),)

    def clean_options(self, given, member):
        year = str((given or {}).get("year", "")).strip()
        if year and parse_int(year, YEAR_MIN, timezone.localdate().year) is None:
            raise FileProblem(f"年度应为 {YEAR_MIN}—{timezone.localdate().year} 之间的年份,而不是「{year[:20]}」")
        return super().clean_options(given, member)

    def columns(self, zone):
        return enterprise_columns()

    def template_lists(self, zone, member):
        return {"unit": list(Unit.objects.restrict(member).filter(zone=zone, is_active=True)
                             .values_list("name", flat=True))}

    def apply(self, rows, *, zone, member, confirmed=False):
        year = int(self.chosen["year"])
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        existing = {e.credit_code: e for e in Enterprise.objects.filter(zone=zone).select_related("unit")}
        stored_years = {y.enterprise_id: y for y in EnterpriseYear.objects.filter(zone=zone, year=year)}
        errors, summary = [], ImportSummary()
        for row in rows:
            v = row.values
            problems = []
            if v.get("year") is not None and v["year"] != year:
                problems.append(CellError(row.number, HEADERS["year"],
                                          f"本行年度为{v['year']},与导入时选择的年度{year}不一致"))
            unit = units.get(v["unit"])
            if unit is None:
                problems.append(CellError(row.number, HEADERS["unit"], f"未知的服务单位「{v['unit']}」"))
            if problems:
                errors += problems
                continue
            old = existing.get(normalise(v["credit_code"]))
            before = _values(old, stored_years.get(old.pk) if old is not None else None)
            fields = {"credit_code": v["credit_code"], "name": v["name"], "unit": unit,
                      "address": v.get("address") or "", "industry": v.get("industry") or "",
                      "land_area": v.get("land_area")}
            figures = {f: v.get(f) for f in FIGURES}
            figures["above_scale"] = v.get("above_scale")
            try:
                enterprise = services.enterprise_save(member=member, zone=zone, enterprise=old, **fields)
                year_row = None
                if (old is not None and old.pk in stored_years) or any(x not in (None, False)
                                                                       for x in figures.values()):
                    year_row = services.enterprise_year_save(member=member, enterprise=enterprise, year=year,
                                                             **figures)
            except ValidationError as exc:
                for field, messages in (exc.message_dict.items() if hasattr(exc, "error_dict")
                                        else [(NON_FIELD_ERRORS, exc.messages)]):
                    errors += [CellError(row.number, header_of(field), m) for m in messages]
                continue
            except PermissionDenied as exc:
                errors.append(CellError(row.number, HEADERS["credit_code"], str(exc) or "超出您的数据权限范围"))
                continue
            existing[enterprise.credit_code] = enterprise
            after = _values(enterprise, year_row)
            if old is None:
                summary.created_row(row.number, enterprise.credit_code, enterprise.name)
                continue
            summary.updated_row(row.number, enterprise.credit_code,
                                "、".join(HEADERS.get(k, k) for k in after if after.get(k) != before.get(k)))
        if errors:
            raise RowErrors(errors)
        return summary

    def export_rows(self, *, zone, member, filters):
        qs, year = selectors.enterprise_list(member=member, zone=zone, filters=filters)
        rows = []
        for e in qs:
            row = {"credit_code": e.credit_code, "name": e.name, "unit": e.unit.name, "industry": e.industry,
                   "address": e.address, "land_area": e.land_area, "year": year,
                   "above_scale": e.y_above_scale}
            row.update({f: getattr(e, f"y_{f}") for f in FIGURES})
            rows.append(row)
        return rows
