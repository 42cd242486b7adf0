from celery import shared_task


@shared_task(name="reports.tasks.generate_report", acks_late=True)
def generate_report(report_id: int) -> str:
    """Celery's entry point (when CELERY_BROKER_URL is set): the same job a thread runs."""
    from reports.services.generation import report_generate

    return report_generate(report_id).status


@shared_task(name="reports.tasks.fail_stale_reports")
def fail_stale_reports() -> int:
    """Beat runs this every five minutes: jobs whose worker died end `failed`."""
    from reports.services.generation import report_fail_stale

    return report_fail_stale()
