"""`manage.py backup PATH`: one archive with every table, every stored file and a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand

from security.backup import backup_write


class Command(BaseCommand):
    help = "Write the database (history included) and MEDIA_ROOT to one verified archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args, path, **options):
        manifest = backup_write(path)
        rows = sum(manifest.tables.values())
        media = sum(1 for name in manifest.files if name.startswith("media/"))
        self.stdout.write(
            f"wrote {path}: {len(manifest.tables)} tables, {rows} rows, {media} files"
        )
