"""Where a report job runs. Queued when the request's transaction commits, then:

- `celery` (the default when CELERY_BROKER_URL is set): the `reports.tasks.generate_report`
  task on the workers, so generation scales out across machines;
- `thread` (the default otherwise): a daemon thread of the web process, so `make run`
  needs nothing else;
- `inline`: in the caller's thread (tests).

REPORTS_JOB_RUNNER forces one. A thread that dies with its process leaves the job
`running`; `report_fail_stale` marks it failed after REPORTS_JOB_TIMEOUT.
"""

import threading

from django.conf import settings
from django.db import connections, transaction


def runner() -> str:
    return settings.REPORTS_JOB_RUNNER or ("celery" if settings.CELERY_BROKER_URL else "thread")


def enqueue(report_id: int) -> None:
    transaction.on_commit(lambda: dispatch(report_id))


def dispatch(report_id: int) -> None:
    from reports.services.generation import report_generate
    from reports.tasks import generate_report

    how = runner()
    if how == "celery":
        generate_report.delay(report_id)
    elif how == "inline":
        report_generate(report_id)
    else:
        threading.Thread(
            target=_in_thread, args=(report_id,), name=f"report-{report_id}", daemon=True
        ).start()


def _in_thread(report_id: int) -> None:
    from reports.services.generation import report_generate

    try:
        report_generate(report_id)
    finally:
        connections.close_all()
