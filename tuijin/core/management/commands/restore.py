"""tuijin restore FILE [--force]: bring this instance to the state of a backup (core/backup.py)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tuijin.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into this (fresh) instance; --force replaces what it holds."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by tuijin backup.")
        parser.add_argument("--force", action="store_true", help="Replace the data of an instance that is not empty.")

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = restore(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Restored %(tables)d tables (%(rows)d rows) and %(files)d files from %(file)s") % {
            "tables": len(manifest["tables"]), "rows": sum(manifest["tables"].values()),
            "files": len(manifest["files"]), "file": archive})
