"""`manage.py verify_evidence`: re-hash every stored evidence file (and response
attachment) and compare it with the SHA-256 recorded when it was filed.

Exits with status 1 if any file is missing or does not match, so it can run from cron
or a monitoring check."""

from django.core.management.base import BaseCommand, CommandError

from audits.services.evidence import evidence_verify_all

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Verify every stored evidence file against its recorded SHA-256 and size."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(checked, total, problem):
            if problem:
                detail = f" (expected {problem.expected}, found {problem.actual})" * bool(
                    problem.expected
                )
                self.stderr.write(
                    f"{problem.problem.upper()}: {problem.model} #{problem.pk} "
                    f"{problem.name}{detail}"
                )
            if verbosity >= 1 and (checked % PROGRESS_EVERY == 0 or checked == total):
                self.stdout.write(f"checked {checked}/{total}")

        report = evidence_verify_all(on_progress=progress)
        if not report.ok:
            raise CommandError(
                f"{len(report.problems)} of {report.checked} stored files failed verification.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"All {report.checked} stored files verified."))
