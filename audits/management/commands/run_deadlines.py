"""`manage.py run_deadlines [--date YYYY-MM-DD] [--dry-run]`: the daily run by hand, for a
backfill of a missed day or a dry run that changes and sends nothing."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from audits.services.scheduler import run_daily


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Lapse unanswered findings, mature and finalise sanctions, mail the reminder digests."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, help="run as if today were this day (YYYY-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="roll everything back and send no mail"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        today = _date(options["date"]) if options["date"] else None
        if not options["dry_run"]:
            from audits.services.kept_uploads import kept_uploads_expire
            from reports.services.generation import report_fail_stale

            report_fail_stale()  # report jobs whose worker died (issue 10)
            kept_uploads_expire()  # files kept for a refused form, past their hour
        summary = run_daily(
            today=today,
            dry_run=options["dry_run"],
            progress=lambda message: self.stdout.write(message),
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
            return
        prefix = "DRY RUN " if summary.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{summary.day}: {summary.findings_lapsed} finding(s) lapsed, "
                f"{len(summary.suspensions_matured)} suspension(s) matured "
                f"({', '.join(summary.disallowances_issued) or 'no disallowance issued'}), "
                f"{len(summary.sanctions_finalised)} sanction(s) final, "
                f"{summary.digests_sent} digest(s) sent, "
                f"{summary.digests_skipped} already sent today"
            )
        )
        if summary.grievances_escalated:
            self.stdout.write(
                f"{len(summary.grievances_escalated)} grievance(s) escalated: "
                f"{', '.join(summary.grievances_escalated)}"
            )
        for error in summary.errors:
            self.stderr.write(self.style.ERROR(f"error: {error}"))
