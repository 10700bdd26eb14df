"""tuijin template <name> --out FILE.xlsx [--zone CODE]: the empty import template with drop-down lists."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.scope import SYSTEM
from tuijin.exchange.base import get_importer, importers
from tuijin.sheets.tabular import template_workbook
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "Write the import template of a kind of record (with a zone: its units etc. as drop-down lists)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="which template: " + ", ".join(sorted(importers())))
        parser.add_argument("--out", required=True)
        parser.add_argument("--zone", help="zone code; fills the drop-down lists of units, indicators…")

    def handle(self, *args, name, out, zone, **options):
        try:
            importer = get_importer(name)
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        zone_obj = None
        if zone:
            zone_obj = Zone.objects.filter(code=zone).first()
            if zone_obj is None:
                raise CommandError(f"未知的开发区代码「{zone}」")
        lists = importer.template_lists(zone_obj, SYSTEM) if zone_obj else {}
        Path(out).write_bytes(template_workbook(importer.columns(zone_obj), title=importer.title, lists=lists))
        self.stdout.write(f"模板已写入 {out}")
