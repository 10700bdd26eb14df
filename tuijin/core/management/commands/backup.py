"""tuijin backup --out FILE: the database and every stored file in one archive (core/backup.py)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tuijin.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one archive with the database and the stored files (attachments, bulletins)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The archive to write (.tar.gz).")

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(_("Backed up %(tables)d tables (%(rows)d rows) and %(files)d files to %(out)s") % {
            "tables": len(manifest["tables"]), "rows": rows, "files": len(manifest["files"]), "out": out})
