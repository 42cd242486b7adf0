"""The grievance's status machine as data (API.md: received → under_review →
referred_to_agency | referred_to_audit | dismissed; referred ones → resolved), applied by
the one `apply_transition` of audits/workflows.py.

`public_reason`: the reason given for the move is published as the public update
(a dismissal must say why, in public); for the other moves the reason stays in the
history and the public update is a standard sentence."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from audits.workflows import Move, Workflow, apply_transition, available_moves  # noqa: F401
from grievances import permissions as can
from grievances.choices import GrievanceStatus as G


@dataclass(frozen=True)
class GrievanceMove(Move):
    public_reason: bool = False


GRIEVANCE_WORKFLOW: Workflow = {
    (G.RECEIVED, G.UNDER_REVIEW): GrievanceMove(_("Start verification"), can.is_triager),
    (G.UNDER_REVIEW, G.REFERRED_TO_AGENCY): GrievanceMove(_("Refer to the agency"), can.is_triager),
    (G.UNDER_REVIEW, G.REFERRED_TO_AUDIT): GrievanceMove(
        _("Take into an audit engagement"), can.is_triager
    ),
    (G.UNDER_REVIEW, G.DISMISSED): GrievanceMove(
        _("Dismiss"), can.is_triager, reason_required=True, public_reason=True
    ),
    (G.REFERRED_TO_AGENCY, G.RESOLVED): GrievanceMove(
        _("Mark resolved"), can.is_triager, public_reason=True
    ),
    (G.REFERRED_TO_AUDIT, G.RESOLVED): GrievanceMove(
        _("Mark resolved"), can.is_triager, public_reason=True
    ),
}
