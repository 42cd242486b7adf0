"""One-file backups: every table's rows (history included), every file under MEDIA_ROOT
(evidence, previews, attachments, stored reports), and a manifest with each member's
SHA-256 and each table's row count. A restore goes into an empty database and media
folder, checks everything before it writes, and checks again after; on any mismatch it
changes nothing.

Archive layout (a gzipped tar):
    manifest.json                 {"format", "created", "tables": {label: rows},
                                   "files": {member: sha256}}
    data/<app_label.model>.json   the rows, in Django's JSON serialization, ordered by pk
    media/<path under MEDIA_ROOT> the files, byte for byte
"""

import datetime
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK_BYTES = 1024 * 1024
# Made by `migrate` in every new database: a restore replaces them with the archived rows,
# so ids that other rows (history, permissions) point to stay the same.
# Children before parents: this is also the order they are emptied in. Data migrations
# seed the grievance categories and the programme templates (with their history).
MIGRATE_MADE = (
    "programme.historicaltemplateprocedure",
    "programme.templateprocedure",
    "programme.historicalprogrammetemplate",
    "programme.programmetemplate",
    "grievances.grievancecategory",
    "auth.permission",
    "contenttypes.contenttype",
)


class BackupMismatch(Exception):
    """The archive, the target or the restored data does not match; nothing was changed."""


@dataclass
class Manifest:
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    created: str = ""

    def as_json(self) -> bytes:
        body = {
            "format": FORMAT,
            "created": self.created,
            "tables": self.tables,
            "files": self.files,
        }
        return json.dumps(body, indent=1, sort_keys=True).encode()


def backed_up_models():
    """Every concrete table, auto-created many-to-many tables included (their rows travel
    with the model that declares the field, and are counted on their own)."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        yield model


def _label(model) -> str:
    return model._meta.label_lower


def _rows(model):
    return model._base_manager.order_by("pk")


def sha256_of(stream) -> str:
    hasher = hashlib.sha256()
    while data := stream.read(CHUNK_BYTES):
        hasher.update(data)
    return hasher.hexdigest()


def media_files(root: Path):
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond. DjangoJSONEncoder rounds them down to the millisecond,
    so a restored history row's timestamp was not the one recorded (and 1 time in 1,000
    a value with no milliseconds left came back written differently)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def backup_write(path: Path) -> Manifest:
    """Write the archive to `path` in one consistent read of the database."""
    manifest = Manifest(created=timezone.now().isoformat())
    media_root = Path(settings.MEDIA_ROOT)
    with transaction.atomic(), tarfile.open(path, "w:gz") as archive:
        for model in backed_up_models():
            manifest.tables[_label(model)] = _rows(model).count()
            if model._meta.auto_created:
                continue
            rows = _rows(model).iterator(chunk_size=2000)
            data = serializers.serialize("json", rows, cls=ExactJSONEncoder).encode()
            _add_bytes(archive, f"data/{_label(model)}.json", data, manifest)
        for file_path in media_files(media_root):
            member = "media/" + file_path.relative_to(media_root).as_posix()
            with file_path.open("rb") as stream:
                manifest.files[member] = sha256_of(stream)
            archive.add(file_path, arcname=member, recursive=False)
        info = tarfile.TarInfo(MANIFEST)
        body = manifest.as_json()
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return manifest


def _add_bytes(archive, member: str, data: bytes, manifest: Manifest) -> None:
    info = tarfile.TarInfo(member)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))
    manifest.files[member] = hashlib.sha256(data).hexdigest()


def _read_manifest(archive) -> Manifest:
    try:
        body = json.loads(archive.extractfile(MANIFEST).read())
    except (KeyError, AttributeError, ValueError) as error:
        raise BackupMismatch("the archive has no readable manifest") from error
    if body.get("format") != FORMAT:
        raise BackupMismatch(f"unknown archive format {body.get('format')!r}")
    return Manifest(tables=body["tables"], files=body["files"], created=body.get("created", ""))


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def backup_verify(archive, manifest: Manifest) -> None:
    """Every member is listed with its hash, every listed member is there and matches,
    every table's file holds the listed number of rows."""
    members = {member.name: member for member in archive.getmembers() if member.isfile()}
    members.pop(MANIFEST, None)
    problems = []
    damaged = set()
    for name in sorted(set(members) ^ set(manifest.files)):
        problems.append(f"{name}: {'not in the manifest' if name in members else 'missing'}")
    for name, expected in sorted(manifest.files.items()):
        if name not in members:
            continue
        if not _safe_member(name) or not name.startswith(("data/", "media/")):
            problems.append(f"{name}: not a safe path")
            continue
        found = sha256_of(archive.extractfile(members[name]))
        if found != expected:
            damaged.add(name)
            problems.append(f"{name}: SHA-256 {found} instead of {expected}")
    known = {_label(model) for model in backed_up_models()}
    for label, count in sorted(manifest.tables.items()):
        if label not in known:
            problems.append(f"table {label}: unknown to this version")
            continue
        if apps.get_model(label)._meta.auto_created:
            continue
        name = f"data/{label}.json"
        if name not in members:
            problems.append(f"table {label}: no data file")
            continue
        if name in damaged:
            continue
        try:
            rows = len(json.loads(archive.extractfile(members[name]).read()))
        except ValueError:
            problems.append(f"table {label}: the data file is not JSON")
            continue
        if rows != count:
            problems.append(f"table {label}: {rows} rows instead of {count}")
    if problems:
        raise BackupMismatch("; ".join(problems))


def target_check_empty(manifest: Manifest) -> None:
    problems = [
        f"table {_label(model)} has rows"
        for model in backed_up_models()
        if _label(model) not in MIGRATE_MADE and _rows(model).exists()
    ]
    if media_files(Path(settings.MEDIA_ROOT)):
        problems.append(f"the media folder {settings.MEDIA_ROOT} is not empty")
    if problems:
        raise BackupMismatch("the target is not empty: " + "; ".join(problems))


def backup_restore(path: Path) -> Manifest:
    """Load the archive at `path` into this (empty) database and media folder."""
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(path, "r:gz") as archive:
        manifest = _read_manifest(archive)
        backup_verify(archive, manifest)
        target_check_empty(manifest)
        written: list[Path] = []
        with tempfile.TemporaryDirectory() as folder:
            fixtures = []
            for member in archive.getmembers():
                if member.name.startswith("data/"):
                    target = Path(folder) / Path(member.name).name
                    target.write_bytes(archive.extractfile(member).read())
                    fixtures.append(str(target))
            try:
                # Rows arrive with their history; loading them must not write more of it.
                with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                    for label in MIGRATE_MADE:
                        apps.get_model(label)._base_manager.all().delete()
                    if fixtures:
                        call_command("loaddata", *fixtures, verbosity=0)
                    _copy_media(archive, media_root, written)
                    _check_restored(manifest, media_root)
            except BaseException:
                for file_path in written:
                    file_path.unlink(missing_ok=True)
                raise
    return manifest


def _copy_media(archive, media_root: Path, written: list[Path]) -> None:
    for member in archive.getmembers():
        if not member.isfile() or not member.name.startswith("media/"):
            continue
        target = media_root / member.name.removeprefix("media/")
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(member) as source, target.open("xb") as destination:
            written.append(target)
            shutil.copyfileobj(source, destination, CHUNK_BYTES)


def _check_restored(manifest: Manifest, media_root: Path) -> None:
    problems = []
    for label, count in manifest.tables.items():
        found = _rows(apps.get_model(label)).count()
        if found != count:
            problems.append(f"table {label}: {found} rows restored instead of {count}")
    for name, expected in manifest.files.items():
        if name.startswith("media/"):
            with (media_root / name.removeprefix("media/")).open("rb") as stream:
                if sha256_of(stream) != expected:
                    problems.append(f"{name}: restored bytes differ")
    if problems:
        raise BackupMismatch("; ".join(problems))
