"""One report generated end to end by a real Celery worker over a real Redis broker.

The worker is a separate process, so it must reach the test's database: this runs on
PostgreSQL (CI's second pass) and is skipped on SQLite's in-memory test database. Redis
is the machine's (127.0.0.1:6379, database 10); in CI a missing Redis is a failure."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from audits.choices import EngagementStatus
from reports.models import Report
from tests.conftest import client_for
from tests.reports.setup import FINDING_TITLE, audit_file, pdf_text
from tests.world import build_world

BROKER = os.environ.get("REPORTS_TEST_BROKER", "redis://127.0.0.1:6379/10")
ROOT = Path(__file__).resolve().parents[2]


def _redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


def _forget_broker_connections(app):
    """An earlier test in this process may have opened the app's connection and producer
    pools on another broker (a task sent eagerly or to the default): tasks would keep going
    there, never to this worker's queue, after `broker_url` changes."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot open SQLite's in-memory test database")
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {BROKER}")
        pytest.skip(f"Redis does not answer at {BROKER}")
    from backend.celery import app

    queue = f"reports-test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf.get(key) for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    _forget_broker_connections(app)
    settings.CELERY_BROKER_URL = BROKER
    settings.REPORTS_JOB_RUNNER = "celery"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "REPORTS_PUBLIC_URL": django_settings.REPORTS_PUBLIC_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        app.conf.update(saved)
        _forget_broker_connections(app)


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_generates_the_report(worker):
    world = build_world(status=EngagementStatus.REPORTING)
    parts = audit_file(world)
    response = client_for(world.users["team_leader"]).post(
        "/api/v1/reports/", {"kind": "audit_report", "engagement": world.engagement.pk}
    )
    assert response.status_code == 202
    report_id = response.json()["id"]
    deadline = time.monotonic() + 180
    seen = set()
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        seen.add(report.status)
        if report.status in {"done", "failed"}:
            break
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")[-3000:]
        time.sleep(0.3)
    assert report.status == "done", (report.status, report.failure_reason)
    assert report.progress == 100
    with report.file.storage.open(report.file.name, "rb") as handle:
        text = pdf_text(handle.read())
    assert FINDING_TITLE in text
    assert parts["photo"].sha256 in text
    assert "DRAFT" in text
