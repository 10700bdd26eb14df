"""tuijin export <name> --zone CODE --out FILE.xlsx: the same layout as the import template."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.scope import SYSTEM
from tuijin.exchange.base import get_importer, importers
from tuijin.sheets.tabular import export_workbook
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "Export a zone's records to .xlsx in the import layout (re-imports unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="what to export: " + ", ".join(sorted(importers())))
        parser.add_argument("--zone", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--year", help="the year, for exports that take one (enterprises): --filter year=YYYY")

    def handle(self, *args, name, zone, out, filter, year=None, **options):
        try:
            importer = get_importer(name)
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        bad = [f for f in filter if "=" not in f]
        if bad:
            raise CommandError(f"筛选条件应写成 KEY=VALUE,而不是「{bad[0]}」")
        filters = dict(f.split("=", 1) for f in filter)
        if year is not None:
            filters["year"] = year
        rows = importer.export_rows(zone=zone_obj, member=SYSTEM, filters=filters)
        Path(out).write_bytes(export_workbook(importer.columns(zone_obj), rows,
                                              title=importer.export_title or importer.title))
        self.stdout.write(f"已导出 {len(rows)} 行到 {out}")
