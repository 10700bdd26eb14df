"""tuijin bulletin --zone CODE --period YYYY-MM --format docx|xlsx|pdf --out FILE"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.bulletins import services
from tuijin.bulletins.models import Bulletin
from tuijin.bulletins.selectors import PeriodError
from tuijin.core.context import Actor, acting_as
from tuijin.indicators.management.commands.dispatch import parse_period
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "Write a zone's bulletin (通报) for a month as Word, Excel or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["docx", "xlsx", "pdf"], default="docx")
        parser.add_argument("--out", required=True)
        parser.add_argument("--closing", default="", help="the 下一步工作 paragraph")

    def handle(self, *args, zone, period, format, out, closing, **options):
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        year, month = parse_period(period)
        bulletin = Bulletin(zone=zone_obj, year=year, month=month, closing=closing or services.DEFAULT_CLOSING)
        try:
            with acting_as(Actor(username="命令行", source="cli")):
                files = services.render(bulletin, formats=(format,))
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(files[format])
        self.stdout.write(f"通报已写入 {out}")
