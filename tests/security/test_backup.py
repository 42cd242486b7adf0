"""`manage.py backup` and `manage.py restore`, run as an operator would: the demo is
backed up from SQLite and restored into a fresh SQLite and a fresh PostgreSQL database,
and every row and every byte is compared. A tampered archive or a non-empty target is
refused and changes nothing."""

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.utils.dateparse import parse_datetime

from security.backup import ExactJSONEncoder

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("BACKUP_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def site(folder: Path, database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATA_DIR=str(folder),
        MEDIA_ROOT=str(folder / "media"),
        DATABASE_URL=database_url,
    )
    return env


def sqlite_site(folder: Path) -> dict:
    return site(folder, f"sqlite:///{folder / 'db.sqlite3'}")


def rows(env, folder: Path) -> dict:
    out = folder / "dump.json"
    manage(env, "dumpdata", "--all", "-o", str(out))
    return {(row["model"], str(row["pk"])): row for row in json.loads(out.read_text())}


def differences(restored: dict, source: dict) -> list[str]:
    """Where two dumps differ, field by field (an empty list when they are equal)."""
    found = [f"{key}: only in one" for key in restored.keys() ^ source.keys()]
    for key in restored.keys() & source.keys():
        fields, expected = restored[key]["fields"], source[key]["fields"]
        for name in fields.keys() | expected.keys():
            if fields.get(name) != expected.get(name):
                found.append(f"{key} {name}: {fields.get(name)!r} != {expected.get(name)!r}")
    return found


def media(folder: Path) -> dict:
    root = folder / "media"
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo on SQLite, its dump and files, and its backup."""
    folder = tmp_path_factory.mktemp("source")
    env = sqlite_site(folder)
    manage(env, "migrate", "-v0")
    manage(env, "load_demo")
    archive = folder / "backup.tar.gz"
    manage(env, "backup", str(archive))
    return archive, rows(env, folder), media(folder)


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory):
    """A migrated, empty SQLite database to copy for each restore."""
    folder = tmp_path_factory.mktemp("empty")
    manage(sqlite_site(folder), "migrate", "-v0")
    return folder / "db.sqlite3"


def fresh_sqlite(tmp_path, empty_sqlite) -> tuple[dict, Path]:
    shutil.copy(empty_sqlite, tmp_path / "db.sqlite3")
    return sqlite_site(tmp_path), tmp_path


def test_the_manifest_lists_every_table_and_file(demo):
    archive, source_rows, source_media = demo
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert manifest["tables"]["audits.finding"] == sum(
        1 for model, _pk in source_rows if model == "audits.finding"
    )
    assert manifest["tables"]["audits.historicalfinding"] > manifest["tables"]["audits.finding"]
    listed_media = {
        name.removeprefix("media/") for name in manifest["files"] if name.startswith("media/")
    }
    assert listed_media == set(source_media) and listed_media
    assert all(len(digest) == 64 for digest in manifest["files"].values())


def test_round_trip_into_sqlite_keeps_every_row_and_byte(demo, tmp_path, empty_sqlite):
    archive, source_rows, source_media = demo
    env, folder = fresh_sqlite(tmp_path, empty_sqlite)
    manage(env, "restore", str(archive))
    assert differences(rows(env, folder), source_rows) == []
    assert media(folder) == source_media


def postgres_database():
    psycopg = pytest.importorskip("psycopg")
    name = f"h12_restore_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    return name


def drop_postgres(name):
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_round_trip_from_sqlite_into_postgresql(demo, tmp_path):
    archive, source_rows, source_media = demo
    name = postgres_database()
    try:
        env = site(tmp_path, f"{PG_SERVER}/{name}")
        manage(env, "migrate", "-v0")
        manage(env, "restore", str(archive))
        assert differences(rows(env, tmp_path), source_rows) == []
        assert media(tmp_path) == source_media
    finally:
        drop_postgres(name)


def tampered(archive: Path, target: Path, member_prefix: str) -> Path:
    """A copy of the archive with one byte changed in the first member under the prefix."""
    changed = False
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if not changed and member.name.startswith(member_prefix):
                data = bytes([data[0] ^ 1]) + data[1:]
                changed = True
            copy.addfile(member, io.BytesIO(data))
    assert changed
    return target


@pytest.mark.parametrize("member_prefix", ["media/", "data/audits.finding", "manifest.json"])
def test_a_changed_byte_is_refused_and_nothing_changes(demo, tmp_path, empty_sqlite, member_prefix):
    archive, _rows, _media = demo
    env, folder = fresh_sqlite(tmp_path, empty_sqlite)
    before = rows(env, folder)
    bad = tampered(archive, tmp_path / "bad.tar.gz", member_prefix)
    result = manage(env, "restore", str(bad), check=False)
    assert result.returncode != 0
    assert "refused, nothing changed" in result.stderr
    assert differences(rows(env, folder), before) == []
    assert media(folder) == {}


def test_a_target_that_is_not_empty_is_refused(demo, tmp_path, empty_sqlite):
    archive, source_rows, _media = demo
    env, folder = fresh_sqlite(tmp_path, empty_sqlite)
    manage(env, "restore", str(archive))
    again = manage(env, "restore", str(archive), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert differences(rows(env, folder), source_rows) == []


def test_times_are_kept_to_the_microsecond():
    """A history row's timestamp is evidence: the archive keeps it exactly (Django's own
    JSON rounds it to the millisecond, and writes .000123 s back as a whole second)."""
    for microsecond in (0, 123, 456789):
        moment = datetime.datetime(2026, 11, 26, 1, 2, 3, microsecond, tzinfo=datetime.UTC)
        text = json.loads(json.dumps(moment, cls=ExactJSONEncoder))
        assert parse_datetime(text) == moment
