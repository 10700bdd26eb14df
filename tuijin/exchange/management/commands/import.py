"""tuijin import <name> FILE --zone CODE [--dry-run]: all-or-nothing; errors as `第N行 列名: 原因` on stderr."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM
from tuijin.exchange.base import get_importer, importers, run_import
from tuijin.sheets.tabular import FileProblem, check_size
from tuijin.core.models import Zone


class Command(BaseCommand):
    help = "Import a spreadsheet (.xlsx/.xls/.csv) into a zone: projects, targets, actuals…"

    def add_arguments(self, parser):
        parser.add_argument("name", help="what to import: " + ", ".join(sorted(importers())))
        parser.add_argument("file")
        parser.add_argument("--zone", required=True, help="zone code, e.g. huaian")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument("--confirm", action="store_true",
                            help="accept values that need confirmation (a falling year-to-date value, a 1,000× jump)")
        parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE", dest="settings",
                            help="an import option, e.g. state=approved for actuals (draft, submitted, approved)")
        parser.add_argument("--year", help="the year of the figures, for imports that take one (enterprises): "
                                           "the same as --set year=YYYY")

    def handle(self, *args, name, file, zone, dry_run, confirm, settings, year=None, **options):
        try:
            importer = get_importer(name)
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        zone_obj = Zone.objects.filter(code=zone).first()
        if zone_obj is None:
            raise CommandError(f"未知的开发区代码「{zone}」")
        settings = settings or []
        bad = [x for x in settings if "=" not in x]
        if bad:
            raise CommandError(f"导入选项应写成 OPTION=VALUE,而不是「{bad[0]}」")
        chosen = dict(x.split("=", 1) for x in settings)
        if year is not None:
            chosen["year"] = year
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件「{file}」")
        try:
            check_size(path.stat().st_size)
        except FileProblem as exc:
            raise CommandError(exc.message) from exc
        with acting_as(Actor(username="命令行", source="cli")):
            outcome = run_import(importer, path.read_bytes(), path.name, zone=zone_obj, member=SYSTEM,
                                 dry_run=dry_run, confirmed=confirm, options=chosen)
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            for warning in outcome.warnings:
                self.stderr.write(f"需确认: {warning}")
            if outcome.needs_confirmation:
                raise CommandError(outcome.message + ";核实后加 --confirm 再导入")
            raise CommandError(outcome.message or "导入失败,未写入任何数据")
        prefix = "试导入(未写入):" if dry_run else "导入完成:"
        self.stdout.write(prefix + outcome.summary.text())
        for warning in outcome.summary.warnings:
            self.stdout.write(f"提示: {warning}")
        if options["verbosity"] >= 2:
            for change in outcome.summary.changes:
                self.stdout.write(f"第{change['row']}行 {change['action']} {change['key']}: {change['fields']}")
