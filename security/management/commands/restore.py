"""`manage.py restore PATH`: load a backup into an empty database and media folder.

Every hash and row count is checked before anything is written and again afterwards;
on any mismatch the command exits with status 1 and nothing is changed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from security.backup import BackupMismatch, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty (migrated) database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive written by `backup`")

    def handle(self, *args, path, **options):
        try:
            manifest = backup_restore(path)
        except BackupMismatch as error:
            raise CommandError(f"refused, nothing changed: {error}") from error
        rows = sum(manifest.tables.values())
        self.stdout.write(f"restored {path}: {len(manifest.tables)} tables, {rows} rows")
