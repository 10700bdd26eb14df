"""tuijin standing --zone CODE [--year YYYY] --format json|xlsx [--out FILE]
   tuijin standing load [--file FILE]"""
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tuijin.core.context import Actor, acting_as
from tuijin.core.models import Zone
from tuijin.core.params import parse_int
from tuijin.core.scope import SYSTEM


class Command(BaseCommand):
    help = ("A zone's results in published evaluations (rank, out of, province rank, score, tier, item) for a year; "
            "`load` loads the shipped national lists.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["show", "load"], default="show")
        parser.add_argument("--zone")
        parser.add_argument("--year", help="YYYY, the evaluation's year (every year when left out)")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out")
        parser.add_argument("--file", help="load: a lists file in the shipped layout (default: the app's own)")

    def handle(self, *args, action, zone, year, format, out, file, **options):
        if action == "load":
            return self._load(file)
        from tuijin.standing.exports import results_workbook
        from tuijin.standing.selectors import standing_json, zone_results

        if not zone:
            raise CommandError("请用 --zone 指定开发区代码")
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        year_value = None
        if year is not None:
            year_value = parse_int(year, 1990, 2100)
            if year_value is None:
                raise CommandError(f"年度应为1990—2100之间的四位数字,而不是「{year}」")
        rows = zone_results(member=SYSTEM, zone=zone_obj, year=year_value)
        if format == "json":
            text = json.dumps(standing_json(zone=zone_obj, year=year_value, rows=rows), ensure_ascii=False, indent=1)
            if out:
                Path(out).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not out:
            raise CommandError("xlsx 格式需要 --out 文件名")
        Path(out).write_bytes(results_workbook(rows, title=f"对标对表-{zone_obj.display_name}"))
        self.stdout.write(f"已写入 {out}")

    def _load(self, file):
        from tuijin.standing.services import lists_load

        with acting_as(Actor(username="命令行", source="cli")):
            try:
                report = lists_load(member=SYSTEM, path=Path(file) if file else None)
            except ValidationError as exc:
                raise CommandError(";".join(exc.messages)) from exc
        self.stdout.write(f"已载入 {report.assessments} 次评价、{report.rankings} 个榜单、{report.results} 条名次。")
        words = {"agrees": "一致", "added": "榜单未载,按来源记录", "disagrees": "不一致"}
        for f in report.findings:
            self.stdout.write(f"  [{words[f.state]}] {f.subject} {f.text}")
        if any(f.state == "disagrees" for f in report.findings):
            self.stderr.write("有来源与榜单不一致,见上。")
