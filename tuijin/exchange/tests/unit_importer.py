"""A tiny importer over org.Unit, used to test the framework's commands and pages end to end.

It is also the worked example that docs/exchange.md walks through.
"""
from __future__ import annotations

from tuijin.exchange.base import ImportSummary, Importer, RowErrors
from tuijin.sheets.tabular import CellError, Column
from tuijin.org.models import Unit
from tuijin.org.services import unit_create, unit_update

KINDS = {"办公室": "office", "部门": "department", "街道": "street", "镇": "town", "园区": "park"}
FIELDS = ("kind", "parent", "group", "sort_order")


class UnitImporter(Importer):
    name = "test-units"
    title = "责任单位"
    key = "name"

    def columns(self, zone):
        return [
            Column("单位名称", "name", required=True, max_length=100, width=20),
            Column("类型", "kind", "choice", required=True, choices=KINDS),
            Column("上级单位", "parent", width=20, help="已有单位的名称;空表示顶层"),
            Column("考核分组", "group", max_length=20),
            Column("排序", "sort_order", "integer", min_value=0),
        ]

    def template_lists(self, zone, member):
        return {"parent": list(Unit.objects.restrict(member).filter(zone=zone).values_list("name", flat=True))}

    def apply(self, rows, *, zone, member, confirmed=False):
        units = {u.name: u for u in Unit.objects.filter(zone=zone)}
        errors, plan = [], []
        for row in rows:
            v = dict(row.values)
            if v["parent"] is not None:
                parent = units.get(v["parent"])
                if parent is None:
                    errors.append(CellError(row.number, "上级单位", f"未知的上级单位「{v['parent']}」"))
                    continue
                v["parent"] = parent
            v["group"] = v["group"] or ""
            v["sort_order"] = v["sort_order"] or 0
            plan.append((row.number, units.get(v["name"]), v))
        if errors:
            raise RowErrors(errors)
        summary = ImportSummary()
        for number, old, v in plan:
            if old is None:
                unit_create(member=member, zone=zone, **v)
                summary.created_row(number, v["name"], v["kind"])
                continue
            changed = {f: v[f] for f in FIELDS if getattr(old, f) != v[f]}
            if changed:
                unit_update(member=member, unit=old, **changed)
            summary.updated_row(number, v["name"], "、".join(changed))
        return summary

    def export_rows(self, *, zone, member, filters):
        qs = Unit.objects.restrict(member).filter(zone=zone).select_related("parent")
        if filters.get("kind"):
            qs = qs.filter(kind=filters["kind"])
        return [{"name": u.name, "kind": u.kind, "parent": u.parent.name if u.parent else None, "group": u.group,
                 "sort_order": u.sort_order} for u in qs]
