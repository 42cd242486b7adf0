"""Irreversible moves on the web ask first. A button of such a move posts to its usual
URL; without `confirmed=1` the answer is a page that says in words what will happen and
who will be told, with the same form (every field kept) to confirm or a link back.
No JavaScript: the page works the same with scripts off and under a strict CSP."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audits.choices import EngagementStatus, FindingStatus, SanctionStatus
from audits.views.service_errors import post_transition

CONFIRMED_FIELD = "confirmed"


def _finding_issue(finding):
    return (
        _("Issue finding %(finding)s to %(agency)s")
        % {"finding": finding.reference, "agency": finding.engagement.auditee},
        _(
            "The finding is served on the agency as an audit observation memorandum and the "
            "reply clock starts today. From then on every change needs a written reason, "
            "kept in its history; issuing cannot be undone."
        ),
        _(
            "The agency respondents of %(agency)s see it in their inbox at once and must "
            "reply within the reply period; oversight users read it once the engagement "
            "is in reporting; the audit team sees the new status."
        )
        % {"agency": finding.engagement.auditee},
    )


def _finding_close(finding):
    return (
        _("Close finding %(finding)s") % {"finding": finding.reference},
        _(
            "The finding is closed for good: it can no longer be edited, answered, or "
            "given a new notice."
        ),
        _(
            "The audit team and the agency respondents of %(agency)s see it closed, with "
            "your reason, in its history."
        )
        % {"agency": finding.engagement.auditee},
    )


def _sanction_settle(sanction):
    return (
        _("Record notice %(notice)s as settled") % {"notice": sanction.reference},
        _(
            "The notice is marked settled on the basis you gave: no further payment is "
            "taken and its clock stops. This cannot be undone."
        ),
        _(
            "The agency respondents of %(agency)s and the audit team see it settled; the "
            "basis and your reason are kept in its history."
        )
        % {"agency": sanction.engagement.auditee},
    )


def _sanction_final(sanction):
    return (
        _("Make notice %(notice)s final and executory") % {"notice": sanction.reference},
        _(
            "The notice becomes final and executory: it can no longer be appealed, and the "
            "persons liable owe the balance. This cannot be undone."
        ),
        _(
            "The agency respondents of %(agency)s and the audit team see it final; your "
            "reason is kept in its history."
        )
        % {"agency": sanction.engagement.auditee},
    )


def _sanction_appeal_granted(sanction):
    return (
        _("Grant the appeal against notice %(notice)s") % {"notice": sanction.reference},
        _(
            "The notice is lifted: nothing more is owed on it and its amount no longer "
            "counts against the finding. This cannot be undone."
        ),
        _(
            "The agency respondents of %(agency)s, who appealed, and the audit team see "
            "the appeal granted with your reason."
        )
        % {"agency": sanction.engagement.auditee},
    )


def _sanction_execution(sanction):
    return (
        _("Order execution of notice %(notice)s") % {"notice": sanction.reference},
        _(
            "An order of execution is recorded: the agency withholds the balance from the "
            "persons liable. This cannot be undone."
        ),
        _("The agency respondents of %(agency)s and the audit team see the order.")
        % {"agency": sanction.engagement.auditee},
    )


def _sanction_mature(sanction):
    return (
        _("Let suspension %(notice)s mature") % {"notice": sanction.reference},
        _(
            "The suspension matures and a notice of disallowance is issued for what is "
            "still unpaid on it. This cannot be undone."
        ),
        _("The agency respondents of %(agency)s and the audit team see the new notice.")
        % {"agency": sanction.engagement.auditee},
    )


def _engagement_close(engagement):
    return (
        _("Close engagement %(engagement)s") % {"engagement": engagement.reference},
        _(
            "The engagement is closed for good: its findings, evidence, notices and team "
            "can no longer change. Open recommendations can still be reiterated into a "
            "follow-up engagement."
        ),
        _("The audit team, the agency respondents of %(agency)s and oversight users see it closed.")
        % {"agency": engagement.auditee},
    )


def _member_remove(member):
    return (
        _("Remove %(person)s from the team") % {"person": member.user},
        _(
            "%(person)s leaves the team of %(engagement)s and at once loses access to its "
            "drafts and evidence. What they filed stays in the file."
        )
        % {"person": member.user, "engagement": member.engagement.reference},
        _(
            "%(person)s finds the engagement gone from their list; the team sees the "
            "change in the engagement's history."
        )
        % {"person": member.user},
    )


# (model name, target) -> obj -> (title, what will happen, who will be told)
IRREVERSIBLE = {
    ("finding", FindingStatus.ISSUED): _finding_issue,
    ("finding", FindingStatus.CLOSED): _finding_close,
    ("sanction", SanctionStatus.SETTLED): _sanction_settle,
    ("sanction", SanctionStatus.FINAL): _sanction_final,
    ("sanction", SanctionStatus.EXECUTION_ORDERED): _sanction_execution,
    ("sanction", SanctionStatus.APPEAL_GRANTED): _sanction_appeal_granted,
    ("sanction", SanctionStatus.MATURED): _sanction_mature,
    ("engagement", EngagementStatus.CLOSED): _engagement_close,
    ("engagementmember", "remove"): _member_remove,
}


def is_irreversible(obj, target) -> bool:
    return (obj._meta.model_name, target) in IRREVERSIBLE


def ask_first(request, obj, *, target, cancel_url, workflow=None):
    """The confirmation page for an irreversible move not yet confirmed, else None. A move
    the `workflow` lacks from the object's status is not asked about: the service refuses
    it with its own message."""
    describe = IRREVERSIBLE.get((obj._meta.model_name, target))
    if describe is None or request.POST.get(CONFIRMED_FIELD) == "1":
        return None
    if workflow is not None and (obj.status, target) not in workflow:
        return None
    title, what, who = describe(obj)
    fields = [
        (name, value)
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", CONFIRMED_FIELD)
    ]
    context = {
        "title": title,
        "what_happens": what,
        "who_is_told": who,
        "action_url": request.path,
        "fields": fields,
        "cancel_url": cancel_url,
    }
    return render(request, "audits/confirm.html", context)


def confirmed_transition(request, obj, service, *, workflow, page, form_class, success_message):
    """A page's workflow button: ask first when the move is irreversible, then apply it
    through `service` and go back to the object's page (`page`: its URL name)."""
    page_url = reverse(page, args=[obj.pk])
    target = request.POST.get("to")
    asked = ask_first(request, obj, target=target, cancel_url=page_url, workflow=workflow)
    if asked is not None:
        return asked
    post_transition(request, obj, service, form_class=form_class, success_message=success_message)
    return redirect(page_url)
