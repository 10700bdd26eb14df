"""tuijin dispatch --zone CODE --period YYYY-MM --format json|xlsx [--out FILE]"""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.scope import SYSTEM
from tuijin.indicators.exports import dispatch_json, dispatch_workbook
from tuijin.core.periods import PeriodError, parse_period
from tuijin.indicators.dispatch import dispatch_table
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "The dispatch table of a zone for a month (completion, time progress, yoy, ranks, warnings)."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out")
        parser.add_argument("--all", action="store_true", help="xlsx: every indicator, not only the main ones")

    def handle(self, *args, zone, period, format, out, all, **options):
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        try:
            year, month = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        rows = dispatch_table(member=SYSTEM, zone=zone_obj, year=year, month=month)
        if format == "json":
            text = json.dumps(dispatch_json(rows, zone=zone_obj, year=year, month=month), ensure_ascii=False, indent=1)
            if out:
                Path(out).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
            return
        if not out:
            raise CommandError("xlsx 格式需要 --out 文件名")
        codes = None if all else ([r.indicator_code for r in rows if r.main] or None)
        Path(out).write_bytes(dispatch_workbook(rows, zone=zone_obj, year=year, month=month, codes=codes))
        self.stdout.write(f"调度表已写入 {out}")
