import datetime

from celery import shared_task

from audits.services.kept_uploads import kept_uploads_expire
from audits.services.scheduler import run_daily


@shared_task(name="audits.tasks.run_daily_deadlines")
def run_daily_deadlines(date: str | None = None) -> dict:
    """Beat runs this at 01:00 Asia/Manila (CELERY_BEAT_SCHEDULE in settings)."""
    today = datetime.date.fromisoformat(date) if date else None
    kept_uploads_expire()  # files kept for a refused form, past their hour
    return run_daily(today=today).as_dict()
