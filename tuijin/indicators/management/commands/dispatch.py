"""tuijin dispatch --zone CODE --period YYYY-MM --format json|xlsx [--out FILE]"""
import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.scope import SYSTEM
from tuijin.indicators.exports import dispatch_json, dispatch_workbook
from tuijin.indicators.selectors import dispatch_table
from tuijin.core.models import Zone


def parse_period(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text or "")
    if not m:
        raise CommandError(f"期间应写成 YYYY-MM,如 2023-06,而不是「{text}」")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise CommandError(f"月份应在1—12之间,而不是{month}")
    return year, month


class Command(BaseCommand):
    help = "The dispatch table of a zone for a month (completion, time progress, yoy, ranks, warnings)."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out")

    def handle(self, *args, zone, period, format, out, **options):
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        year, month = parse_period(period)
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
        Path(out).write_bytes(dispatch_workbook(rows, zone=zone_obj, year=year, month=month))
        self.stdout.write(f"调度表已写入 {out}")
