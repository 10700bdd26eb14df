"""tuijin template <name> --zone CODE --out FILE.xlsx: the empty import template with drop-down lists."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.scope import SYSTEM
from tuijin.exchange.base import get_importer
from tuijin.exchange.tabular import template_workbook
from tuijin.org.models import Zone


class Command(BaseCommand):
    help = "Write the import template of a kind of record."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--zone", required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, name, zone, out, **options):
        try:
            importer = get_importer(name)
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        data = template_workbook(importer.columns(zone_obj), title=importer.title,
                                 lists=importer.template_lists(zone_obj, SYSTEM))
        Path(out).write_bytes(data)
        self.stdout.write(f"模板已写入 {out}")
