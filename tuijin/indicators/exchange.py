"""Targets and actuals in and out of Excel, through the one import framework.

Both importers are adapters: each row becomes a call of the same service the forms and the API call
(``services.target_set``, ``services.actual_save``), and each refusal becomes ``第N行 列名: 原因``.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.exchange.base import ImportOption, ImportSummary, Importer, NeedsConfirmation, RowErrors, register
from tuijin.sheets.tabular import CellError, Column
from tuijin.indicators import services
from tuijin.indicators.models import NOT_FILED, Actual, Indicator, Target
from tuijin.org.models import Unit

ZONE_WORDS = ("全区", "合计", "开发区")


def row_errors(number: int, exc: Exception, headers: dict[str, str], default: str) -> list[CellError]:
    """A service's refusal as errors of the row, each under the column its field comes from."""
    if isinstance(exc, PermissionDenied):
        return [CellError(number, headers.get("unit", default), str(exc) or "超出您的数据权限范围")]
    if hasattr(exc, "error_dict"):
        return [CellError(number, headers.get(field, default), m)
                for field, messages in exc.message_dict.items() for m in messages]
    return [CellError(number, default, m) for m in exc.messages]


class _Refs:
    """Name → record lookups for one zone, read once per import."""

    def __init__(self, zone, member):
        self.zone = zone
        # names are resolved over the member's view; whether the member may write there is the service's rule
        self.units = {u.name: u for u in Unit.objects.restrict(member).filter(zone=zone)}
        self.indicators = {}
        for ind in Indicator.objects.filter(zone=zone):
            self.indicators[ind.name] = ind
            self.indicators[ind.code] = ind

    def unit(self, name: str, row: int, header: str, errors: list, *, zone_ok: bool):
        if zone_ok and (name in ZONE_WORDS or name == self.zone.name or name == self.zone.short_name):
            return None, True
        unit = self.units.get(name)
        if unit is None:
            errors.append(CellError(row, header, f"未知的责任单位「{name}」,或不在您的数据权限范围内"))
            return None, False
        return unit, True

    def indicator(self, name: str, row: int, header: str, errors: list):
        ind = self.indicators.get(name)
        if ind is None:
            errors.append(CellError(row, header, f"未知的指标「{name}」"))
        return ind


@register
class TargetImporter(Importer):
    name = "targets"
    title = "年度目标"

    def can_import(self, member) -> bool:
        return member.is_office  # setting targets is the office's work

    def columns(self, zone):
        return [
            Column("年度", "year", "integer", required=True, min_value=2000, max_value=2100, width=8),
            Column("责任单位", "unit", "text", required=True, help="单位名称;「全区」表示开发区总目标", width=20),
            Column("指标", "indicator", "text", required=True, help="指标名称或代码", width=24),
            Column("目标值", "value", "decimal", required=True, help="按指标的显示单位填写,如亿元", width=12),
        ]

    def template_lists(self, zone, member):
        return {"unit": ["全区", *Unit.objects.restrict(member).filter(zone=zone).values_list("name", flat=True)],
                "indicator": list(Indicator.objects.filter(zone=zone).exclude(rollup=Indicator.Rollup.RATIO)
                                  .values_list("name", flat=True))}

    def apply(self, rows, *, zone, member, confirmed=False):
        refs, errors, seen, summary = _Refs(zone, member), [], {}, ImportSummary()
        headers = {"year": "年度", "unit": "责任单位", "indicator": "指标", "value": "目标值"}
        existing = {(t.year, t.unit_id, t.indicator_id): t.value for t in Target.objects.filter(
            zone=zone, year__in={r.values["year"] for r in rows})}
        for row in rows:
            v = row.values
            unit, ok = refs.unit(v["unit"], row.number, "责任单位", errors, zone_ok=True)
            ind = refs.indicator(v["indicator"], row.number, "指标", errors)
            if not ok or ind is None:
                continue
            key = (v["year"], unit.pk if unit else None, ind.pk)
            if key in seen:
                errors.append(CellError(row.number, "指标", f"与第{seen[key]}行重复(同一年度、单位、指标)"))
                continue
            seen[key] = row.number
            try:
                target = services.target_set(member=member, zone=zone, indicator=ind, year=v["year"], value=v["value"],
                                             unit=unit)
            except (ValidationError, PermissionDenied) as exc:
                errors += row_errors(row.number, exc, headers, "目标值")
                continue
            before = existing.get(key)
            label = f"{v['year']} {unit.name if unit else '全区'} {ind.name}"
            if before is None:
                summary.created_row(row.number, label, str(v["value"]))
            else:
                summary.updated_row(row.number, label,
                                    f"{ind.to_display(before)} → {v['value']}" if before != target.value else "")
        if errors:
            raise RowErrors(errors)
        return summary

    def export_rows(self, *, zone, member, filters):
        from tuijin.indicators.filters import TargetFilter

        qs = Target.objects.restrict(member).filter(zone=zone).select_related("unit", "indicator")
        qs = TargetFilter(filters, queryset=qs).qs_or_none()  # a malformed year: nothing
        return [{"year": t.year, "unit": t.unit.name if t.unit else "全区", "indicator": t.indicator.name,
                 "value": t.indicator.to_display(t.value)} for t in qs]


STATE = ImportOption("state", "导入后", (("draft", "保存为草稿"), ("submitted", "报送审核"),
                                        ("approved", "审核通过(仅办公室)")), "draft")


@register
class ActualImporter(Importer):
    name = "actuals"
    title = "月度实绩"
    options = (STATE,)

    def columns(self, zone):
        return [
            Column("年度", "year", "integer", required=True, min_value=2000, max_value=2100, width=8),
            Column("月份", "month", "integer", required=True, min_value=1, max_value=12, width=6,
                   help="1—12,填报1—N月累计"),
            Column("责任单位", "unit", "text", required=True, width=20),
            Column("指标", "indicator", "text", required=True, width=24),
            Column("本年累计", "ytd", "decimal", required=True, help="1—N月累计,按指标的显示单位", width=12),
            Column("上年同期累计", "last_year_ytd", "decimal", help="可空:系统已有上年数据时自动取用", width=14),
        ]

    def template_lists(self, zone, member):
        return {"unit": list(Unit.objects.restrict(member, "change").filter(zone=zone).values_list("name", flat=True)),
                "indicator": list(Indicator.objects.filter(zone=zone).exclude(rollup__in=NOT_FILED)
                                  .values_list("name", flat=True))}

    def option_choices(self, member):
        # approving at import is the office's review, and only where the zone does not separate duties
        from tuijin.core.models import Zone

        zone = Zone.objects.filter(pk=member.zone_id).first()
        may_approve = member.is_office and (getattr(member, "is_system", False) or zone is None
                                            or not services.duties_separated(zone))
        return [(STATE, [c for c in STATE.choices if c[0] != "approved" or may_approve])]

    def apply(self, rows, *, zone, member, confirmed=False):
        refs, errors, warnings, seen, summary = _Refs(zone, member), [], [], {}, ImportSummary()
        state = self.chosen.get("state", STATE.default)
        headers = {"year": "年度", "month": "月份", "unit": "责任单位", "indicator": "指标", "ytd": "本年累计",
                   "last_year_ytd": "上年同期累计"}
        stored = {(a.year, a.month, a.unit_id, a.indicator_id): (a.ytd, a.last_year_ytd, a.state)
                  for a in Actual.objects.filter(zone=zone, year__in={r.values["year"] for r in rows})}
        to_submit = set()
        # earlier months first, so a month's check sees the previous month of the same file
        for row in sorted(rows, key=lambda r: (r.values["year"], r.values["month"], r.number)):
            v = row.values
            unit, ok = refs.unit(v["unit"], row.number, "责任单位", errors, zone_ok=False)
            ind = refs.indicator(v["indicator"], row.number, "指标", errors)
            if not ok or ind is None:
                continue
            key = (v["year"], v["month"], unit.pk, ind.pk)
            if key in seen:
                errors.append(CellError(row.number, "指标", f"与第{seen[key]}行重复(同一年月、单位、指标)"))
                continue
            seen[key] = row.number
            try:
                for w in services.actual_warnings(unit=unit, indicator=ind, year=v["year"], month=v["month"],
                                                  ytd=v["ytd"], last_year_ytd=v["last_year_ytd"]):
                    warnings.append(f"第{row.number}行 {unit.name} {ind.name}: {w}")
                saved = services.actual_save(member=member, unit=unit, indicator=ind, year=v["year"],
                                             month=v["month"], ytd=v["ytd"], last_year_ytd=v["last_year_ytd"],
                                             confirmed=True, approved=state == "approved")
            except (ValidationError, PermissionDenied) as exc:
                errors += row_errors(row.number, exc, headers, "本年累计")
                continue
            if state == "submitted":
                to_submit.add((unit, v["year"], v["month"]))
            before = stored.get(key)
            label = f"{v['year']}年1—{v['month']}月 {unit.name} {ind.name}"
            if before is None:
                summary.created_row(row.number, label, str(v["ytd"]))
            else:
                summary.updated_row(row.number, label, f"{ind.to_display(before[0])} → {v['ytd']}"
                                    if before != (saved.ytd, saved.last_year_ytd, saved.state) else "")
        for unit, year, month in sorted(to_submit, key=lambda k: (k[1], k[2], k[0].pk)):
            try:
                services.actual_submit(member=member, unit=unit, year=year, month=month)
            except ValidationError as exc:
                if getattr(exc, "code", None) != "nothing":  # unchanged figures already submitted
                    errors += row_errors(0, exc, headers, "责任单位")
        if errors:
            raise RowErrors(sorted(errors, key=lambda e: e.row))
        if warnings and not confirmed:
            raise NeedsConfirmation(warnings)
        summary.warnings = warnings
        return summary

    def export_rows(self, *, zone, member, filters):
        from tuijin.indicators.filters import ActualFilter

        qs = Actual.objects.restrict(member).filter(zone=zone).select_related("unit", "indicator")
        qs = ActualFilter(filters, queryset=qs).qs_or_none()  # a malformed year or month: nothing
        return [{"year": a.year, "month": a.month, "unit": a.unit.name, "indicator": a.indicator.name,
                 "ytd": a.indicator.to_display(a.ytd), "last_year_ytd": a.indicator.to_display(a.last_year_ytd)}
                for a in qs]
