"""tuijin bulletin --zone CODE --period YYYY-MM --format docx|xlsx|pdf --out FILE"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.bulletins import services
from tuijin.bulletins.models import Bulletin
from django.core.exceptions import ValidationError

from tuijin.bulletins.selectors import check_bulletin_period, ensure_locked_or_draft
from tuijin.core.context import Actor, acting_as
from tuijin.core.periods import is_locked, parse_period
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "Write a zone's bulletin (通报) for a month as Word, Excel or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["docx", "xlsx", "pdf"], default="docx")
        parser.add_argument("--out", required=True)
        parser.add_argument("--closing", default="", help="the 下一步工作 paragraph")
        parser.add_argument("--draft", action="store_true",
                            help="write a draft for comment (征求意见稿) of a month that is not locked yet")

    def handle(self, *args, zone, period, format, out, closing, draft, **options):
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        try:
            year, month = parse_period(period)
            check_bulletin_period(zone_obj, year, month)
            ensure_locked_or_draft(zone_obj, year, month, draft=draft)
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        bulletin = Bulletin(zone=zone_obj, year=year, month=month, closing=closing or services.DEFAULT_CLOSING,
                            is_draft=draft and not is_locked(zone_obj, year, month))
        try:
            with acting_as(Actor(username="命令行", source="cli")):
                files = services.render(bulletin, formats=(format,))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(files[format])
        self.stdout.write(f"通报已写入 {out}")
