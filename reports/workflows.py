"""A report job's states, as data. Only the system moves a job (user=None in
`apply_transition`); people request, read and approve reports."""

from django.utils.translation import gettext_lazy as _

from audits.workflows import Move, Workflow
from reports.choices import ReportStatus as J


def _nobody(user, report) -> bool:
    return False


JOB_WORKFLOW: Workflow = {
    (J.QUEUED, J.RUNNING): Move(_("Start"), _nobody),
    (J.RUNNING, J.DONE): Move(_("Finish"), _nobody),
    (J.RUNNING, J.FAILED): Move(_("Fail"), _nobody),
    (J.QUEUED, J.FAILED): Move(_("Fail"), _nobody),
    # A job picked up twice (a Celery redelivery) starts again from the top.
    (J.RUNNING, J.RUNNING): Move(_("Restart"), _nobody),
}
