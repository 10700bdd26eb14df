"""Targets and actuals in and out of Excel, through the one import framework."""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone


from tuijin.core.changelog import record_bulk, snapshot
from tuijin.exchange.base import ImportSummary, Importer, NeedsConfirmation, RowErrors, register
from tuijin.exchange.tabular import CellError, Column
from tuijin.indicators.models import Actual, DispatchRule, Indicator, Target
from tuijin.core.models import FilingPeriod
from tuijin.indicators.services import check_value
from tuijin.org.models import Unit

ZONE_WORDS = ("全区", "合计", "开发区")


class _Refs:
    """Name → record lookups for one zone, read once per import."""

    def __init__(self, zone, member):
        self.zone = zone
        self.units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        self.allowed_units = set(Unit.objects.restrict(member, "change").filter(zone=zone).values_list("pk", flat=True))
        self.indicators = {}
        for ind in Indicator.objects.filter(zone=zone):
            self.indicators[ind.name] = ind
            self.indicators[ind.code] = ind

    def unit(self, name: str, row: int, header: str, errors: list, *, zone_ok: bool):
        if zone_ok and (name in ZONE_WORDS or name == self.zone.name or name == self.zone.short_name):
            return None, True
        unit = self.units.get(name)
        if unit is None:
            errors.append(CellError(row, header, f"未知的责任单位「{name}」"))
            return None, False
        if unit.pk not in self.allowed_units:
            errors.append(CellError(row, header, f"「{name}」不在您的数据权限范围内"))
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
        if not member.is_office:
            raise RowErrors([CellError(rows[0].number, "责任单位", "只有办公室可以导入目标")])
        refs, errors, seen, plan = _Refs(zone, member), [], {}, []
        for row in rows:
            v = row.values
            unit, ok = refs.unit(v["unit"], row.number, "责任单位", errors, zone_ok=True)
            ind = refs.indicator(v["indicator"], row.number, "指标", errors)
            if not ok or ind is None:
                continue
            if ind.is_computed:
                errors.append(CellError(row.number, "指标", f"「{ind.name}」是计算指标,不设目标"))
                continue
            if v["value"] <= 0:
                errors.append(CellError(row.number, "目标值", f"目标值必须大于0「{v['value']}」"))
                continue
            key = (v["year"], unit.pk if unit else None, ind.pk)
            if key in seen:
                errors.append(CellError(row.number, "指标", f"与第{seen[key]}行重复(同一年度、单位、指标)"))
                continue
            seen[key] = row.number
            plan.append((row.number, unit, ind, v["year"], ind.to_stored(v["value"])))
        if errors:
            raise RowErrors(errors)
        summary = ImportSummary()
        existing = {(t.year, t.unit_id, t.indicator_id): t for t in Target.objects.filter(
            zone=zone, year__in={p[3] for p in plan})}
        creates = []
        for number, unit, ind, year, value in plan:
            t = existing.get((year, unit.pk if unit else None, ind.pk))
            label = f"{year} {unit.name if unit else '全区'} {ind.name}"
            if t is None:
                creates.append(Target(zone=zone, unit=unit, indicator=ind, year=year, value=value))
                summary.created += 1
                summary.changes.append({"row": number, "key": label, "action": "新增", "fields": str(ind.to_display(value))})
            elif t.value != value:
                summary.changes.append({"row": number, "key": label, "action": "更新",
                                        "fields": f"{ind.to_display(t.value)} → {ind.to_display(value)}"})
                t.value = value
                t.save(update_fields=["value", "updated"])
                summary.updated += 1
            else:
                summary.unchanged += 1
        made = Target.objects.bulk_create(creates)
        record_bulk((t, "create", None) for t in made if t.pk)
        return summary

    def export_rows(self, *, zone, member, filters):
        qs = Target.objects.restrict(member).filter(zone=zone).select_related("unit", "indicator")
        if filters.get("year"):
            qs = qs.filter(year=filters["year"])
        return [{"year": t.year, "unit": t.unit.name if t.unit else "全区", "indicator": t.indicator.name,
                 "value": t.indicator.to_display(t.value)} for t in qs]


@register
class ActualImporter(Importer):
    name = "actuals"
    title = "月度实绩"

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
                "indicator": list(Indicator.objects.filter(zone=zone).exclude(rollup=Indicator.Rollup.RATIO)
                                  .values_list("name", flat=True))}

    def apply(self, rows, *, zone, member, confirmed=False):
        refs, errors, warnings, seen, plan = _Refs(zone, member), [], [], {}, []
        approved = member.is_office  # office and command-line imports count as approved
        locked = set(FilingPeriod.objects.filter(zone=zone, locked=True).values_list("year", "month"))
        rule = DispatchRule.objects.filter(zone=zone).first()
        jump = rule.jump_factor if rule else Decimal(1000)
        for row in rows:
            v = row.values
            unit, ok = refs.unit(v["unit"], row.number, "责任单位", errors, zone_ok=False)
            ind = refs.indicator(v["indicator"], row.number, "指标", errors)
            if not ok or ind is None:
                continue
            if ind.is_computed:
                errors.append(CellError(row.number, "指标", f"「{ind.name}」是计算指标(由其他指标计算),不能填报"))
                continue
            if (v["year"], v["month"]) in locked:
                errors.append(CellError(row.number, "月份", f"{v['year']}年{v['month']}月已锁定,须先由办公室解锁"))
                continue
            key = (v["year"], v["month"], unit.pk, ind.pk)
            if key in seen:
                errors.append(CellError(row.number, "指标", f"与第{seen[key]}行重复(同一年月、单位、指标)"))
                continue
            seen[key] = row.number
            plan.append((row.number, unit, ind, v))
        if errors:
            raise RowErrors(errors)
        years = {p[3]["year"] for p in plan}
        stored = {(a.year, a.month, a.unit_id, a.indicator_id): a for a in Actual.objects.filter(
            zone=zone, year__in=years | {y - 1 for y in years})}
        in_file = {(v["year"], v["month"], u.pk, i.pk): v["ytd"] for _, u, i, v in plan}
        for number, unit, ind, v in plan:
            prev_key = (v["year"], v["month"] - 1, unit.pk, ind.pk)
            prev = in_file.get(prev_key)
            if prev is None and prev_key in stored:
                prev = ind.to_display(stored[prev_key].ytd)
            last = v["last_year_ytd"]
            if last is None and (v["year"] - 1, v["month"], unit.pk, ind.pk) in stored:
                last = ind.to_display(stored[(v["year"] - 1, v["month"], unit.pk, ind.pk)].ytd)
            for w in check_value(indicator=ind, ytd=v["ytd"], previous=prev, last_year=last, jump_factor=jump):
                warnings.append(f"第{number}行 {unit.name} {ind.name}: {w}")
        if warnings and not confirmed:
            raise NeedsConfirmation(warnings)
        summary = ImportSummary(warnings=warnings)
        creates, logs = [], []
        state = Actual.State.APPROVED if approved else Actual.State.DRAFT
        for number, unit, ind, v in plan:
            a = stored.get((v["year"], v["month"], unit.pk, ind.pk))
            ytd = ind.to_stored(v["ytd"])
            last = ind.to_stored(v["last_year_ytd"])
            label = f"{v['year']}年1—{v['month']}月 {unit.name} {ind.name}"
            if a is None:
                creates.append(Actual(zone=zone, unit=unit, indicator=ind, year=v["year"], month=v["month"], ytd=ytd,
                                      last_year_ytd=last, state=state))
                summary.created += 1
                summary.changes.append({"row": number, "key": label, "action": "新增", "fields": str(v["ytd"])})
            elif a.ytd != ytd or (last is not None and a.last_year_ytd != last) or a.state != state:
                before = snapshot(a)
                summary.changes.append({"row": number, "key": label, "action": "更新",
                                        "fields": f"{ind.to_display(a.ytd)} → {v['ytd']}"})
                a.ytd, a.state = ytd, state
                if last is not None:
                    a.last_year_ytd = last
                logs.append((a, "update", before))
                summary.updated += 1
            else:
                summary.unchanged += 1
        now = timezone.now()
        for a, _, _ in logs:
            a.updated = now  # bulk_update leaves auto_now alone; dispatch caches key on it
        Actual.objects.bulk_update([a for a, _, _ in logs], ["ytd", "last_year_ytd", "state", "updated"], batch_size=1000)
        made = Actual.objects.bulk_create(creates, batch_size=1000)
        for y, m in {(v["year"], v["month"]) for _, _, _, v in plan}:
            FilingPeriod.objects.get_or_create(zone=zone, year=y, month=m)
        record_bulk([*((a, "create", None) for a in made), *logs])
        return summary

    def export_rows(self, *, zone, member, filters):
        qs = Actual.objects.restrict(member).filter(zone=zone).select_related("unit", "indicator")
        if filters.get("year"):
            qs = qs.filter(year=filters["year"])
        if filters.get("month"):
            qs = qs.filter(month=filters["month"])
        return [{"year": a.year, "month": a.month, "unit": a.unit.name, "indicator": a.indicator.name,
                 "ytd": a.indicator.to_display(a.ytd), "last_year_ytd": a.indicator.to_display(a.last_year_ytd)}
                for a in qs]
