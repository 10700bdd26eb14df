"""Leads in and out of Excel through the one import framework (docs/exchange.md, docs/promotion.md).

One row per lead. A row is the same lead as a stored one when the name, the bringing unit and the date it came in
agree (then its fields are updated); otherwise a new lead at 线索. The import is an adapter: each row is a call of
``lead_create`` / ``lead_update`` (the rules of the page and the API) in the import's one transaction, and each
refusal becomes ``第N行 列名: 原因``. Stages are moved on the lead's page or the API, not by import.
"""
from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from tuijin.exchange.base import ImportSummary, Importer, RowErrors, register
from tuijin.org.models import Unit
from tuijin.promotion import services
from tuijin.promotion.filters import LeadFilter
from tuijin.promotion.models import Lead
from tuijin.sheets.tabular import CellError, Column

SOURCES = {label: value for value, label in Lead.Source.choices}
CURRENCIES = {"人民币": "CNY", "美元": "USD"}


def lead_columns() -> list[Column]:
    return [
        Column("线索名称", "name", required=True, width=30, help="不超过200个字"),
        Column("来源", "source", "choice", required=True, choices=SOURCES, width=12),
        Column("引荐单位", "unit", required=True, width=16, help="本开发区的单位名称"),
        Column("引荐人", "brought_by", width=10, help="不超过50个字"),
        Column("服务单位", "serving_unit", width=16, help="可空:同引荐单位"),
        Column("投资方", "investor", required=True, width=24),
        Column("所属行业", "industry", width=14),
        Column("币种", "currency", "choice", choices=CURRENCIES, width=8, help="可空:人民币"),
        Column("意向投资额", "amount", "decimal", required=True, width=14, help="人民币填万元,美元填万美元"),
        Column("折算汇率", "exchange_rate", "decimal", width=10, help="美元必填:元/美元,0.1—100"),
        Column("收到线索日期", "lead_on", "date", required=True, width=12),
        Column("首次研判期限", "assess_by", "date", required=True, width=12),
        Column("备注", "note", width=30),
    ]


HEADERS = {c.field: c.header for c in lead_columns()}


def header_of(field: str) -> str:
    return HEADERS.get(field, HEADERS["name"])


@register
class LeadImporter(Importer):
    name = "leads"
    title = "招商线索"
    export_title = "招商线索"

    def columns(self, zone):
        return lead_columns()

    def template_lists(self, zone, member):
        names = list(Unit.objects.restrict(member).filter(zone=zone, is_active=True).values_list("name", flat=True))
        return {"unit": names, "serving_unit": names}

    def apply(self, rows, *, zone, member, confirmed=False):
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        stored = {(x.name, x.unit_id, x.lead_on): x for x in Lead.objects.restrict(member, "change").filter(zone=zone)}
        errors, summary = [], ImportSummary()
        for row in rows:
            v = row.values
            problems = []
            unit = units.get(v["unit"])
            if unit is None:
                problems.append(CellError(row.number, HEADERS["unit"], f"未知的引荐单位「{v['unit']}」"))
            serving = units.get(v["serving_unit"]) if v.get("serving_unit") else unit
            if v.get("serving_unit") and serving is None:
                problems.append(CellError(row.number, HEADERS["serving_unit"], f"未知的服务单位「{v['serving_unit']}」"))
            if problems:
                errors += problems
                continue
            fields = {"name": v["name"], "source": v["source"], "unit": unit, "brought_by": v.get("brought_by") or "",
                      "serving_unit": serving, "investor": v["investor"], "industry": v.get("industry") or "",
                      "currency": v.get("currency") or "CNY", "amount": v["amount"],
                      "exchange_rate": v.get("exchange_rate"), "lead_on": v["lead_on"], "assess_by": v["assess_by"],
                      "note": v.get("note") or ""}
            old = stored.get((str(v["name"]).strip(), unit.pk, v["lead_on"]))
            before = {f: getattr(old, f) for f in services.LEAD_FIELDS} if old is not None else None
            try:
                lead = services.lead_update(member=member, lead=old, **fields) if old is not None else \
                    services.lead_create(member=member, zone=zone, **fields)
            except ValidationError as exc:
                for field, messages in (exc.message_dict.items() if hasattr(exc, "error_dict")
                                        else [(NON_FIELD_ERRORS, exc.messages)]):
                    errors += [CellError(row.number, header_of(field), m) for m in messages]
                continue
            except PermissionDenied as exc:
                errors.append(CellError(row.number, HEADERS["unit"], str(exc) or "超出您的数据权限范围"))
                continue
            stored[(lead.name, lead.unit_id, lead.lead_on)] = lead
            if old is None:
                summary.created_row(row.number, lead.name, lead.investor)
                continue
            summary.updated_row(row.number, lead.name, "、".join(
                HEADERS.get(f, f) for f in services.LEAD_FIELDS if getattr(lead, f) != before[f]))
        if errors:
            raise RowErrors(errors)
        return summary

    def export_rows(self, *, zone, member, filters):
        qs = LeadFilter(filters, queryset=Lead.objects.restrict(member).filter(zone=zone)
                        .select_related("unit", "serving_unit")).qs_or_none().order_by("-lead_on", "-id")
        return [{"name": x.name, "source": x.get_source_display(), "unit": x.unit.name, "brought_by": x.brought_by,
                 "serving_unit": x.serving_unit.name, "investor": x.investor, "industry": x.industry,
                 "currency": "美元" if x.currency == "USD" else "人民币", "amount": x.amount,
                 "exchange_rate": x.exchange_rate, "lead_on": x.lead_on, "assess_by": x.assess_by, "note": x.note}
                for x in qs]
