"""Programme templates: kept by the SAI administrator, applied by a team in planning.

Applying a template copies its procedures after the engagement's existing ones (no
assignees or due dates: the team leader sets those); applying it twice copies twice."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audits.exceptions import Conflict, NotPermitted
from audits.models import Engagement
from audits.services.common import assign_fields, save_tracked
from programme import permissions as may
from programme.models import Procedure, ProgrammeTemplate, TemplateProcedure
from programme.services.procedures import PLANNERS_ONLY, next_procedure_number

ADMINS_ONLY = _("Only the SAI administrator keeps the programme templates.")
COPIED_FIELDS = ("objective", "criteria", "method", "location", "estimated_hours")


def _numbered(procedures) -> list[dict]:
    """Template procedures as dicts, numbered 1, 2, ... where a number is not given."""
    if not isinstance(procedures, list | tuple):
        raise ValidationError({"procedures": [_("Give a list of procedures.")]})
    rows, used = [], set()
    for index, item in enumerate(procedures, start=1):
        row = dict(item)
        row["number"] = row.get("number") or index
        if row["number"] in used:
            raise ValidationError(
                {"procedures": [_("Number %(n)s is used twice.") % {"n": row["number"]}]}
            )
        used.add(row["number"])
        rows.append(row)
    return rows


def _save_procedures(template: ProgrammeTemplate, procedures, *, by, reason: str) -> None:
    """Make the template's procedures exactly `procedures`, matched by number: changed
    ones are updated, missing ones removed, new ones added (each change in history)."""
    rows = _numbered(procedures)
    existing = {row.number: row for row in template.procedures.all()}
    for row in rows:
        step = existing.pop(row["number"], None) or TemplateProcedure(template=template)
        changed = assign_fields(step, row, set(may.TEMPLATE_PROCEDURE_FIELDS))
        if step.pk is None or changed:
            save_tracked(step, by=by, reason=reason)
    for step in existing.values():
        step._change_reason = reason
        if by is not None:
            step._history_user = by
        step.delete()


@transaction.atomic
def template_create(*, by, procedures=(), **fields) -> ProgrammeTemplate:
    if not may.may_write_templates(by):
        raise NotPermitted(ADMINS_ONLY)
    template = ProgrammeTemplate()
    assign_fields(template, fields, set(may.TEMPLATE_FIELDS))
    save_tracked(template, by=by, reason=_("Template created"))
    _save_procedures(template, list(procedures), by=by, reason=_("Template created"))
    return template


@transaction.atomic
def template_update(
    template: ProgrammeTemplate, *, by, change_reason: str = "", procedures=None, **fields
) -> ProgrammeTemplate:
    if not may.may_write_templates(by):
        raise NotPermitted(ADMINS_ONLY)
    template = ProgrammeTemplate.objects.select_for_update().get(pk=template.pk)
    changed = assign_fields(template, fields, set(may.TEMPLATE_FIELDS))
    reason = change_reason or _("Template changed")
    if procedures is not None:
        _save_procedures(template, list(procedures), by=by, reason=reason)
    if changed or procedures is not None:
        save_tracked(template, by=by, reason=reason)
    return template


@transaction.atomic
def template_apply(template: ProgrammeTemplate, *, by, engagement: Engagement) -> list[Procedure]:
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not may.may_plan(by, engagement):
        raise NotPermitted(PLANNERS_ONLY)
    if engagement.status not in may.TEMPLATE_APPLY_STATUSES:
        raise Conflict(
            _("A template is applied while the engagement is in planning, not in %(s)s.")
            % {"s": engagement.get_status_display()}
        )
    if not template.is_active:
        raise Conflict(_("This template has been withdrawn."))
    return copy_template(template, engagement=engagement, by=by)


def copy_template(template: ProgrammeTemplate, *, engagement: Engagement, by) -> list[Procedure]:
    """The copy itself, without the checks (load_demo uses it on an engagement already
    in fieldwork)."""
    number = next_procedure_number(engagement)
    created = []
    reason = _("From template: %(name)s") % {"name": template.name}
    for offset, step in enumerate(template.procedures.order_by("number")):
        procedure = Procedure(
            engagement=engagement,
            number=number + offset,
            template_procedure=step,
            created_by=by,
            **{name: getattr(step, name) for name in COPIED_FIELDS},
        )
        created.append(save_tracked(procedure, by=by, reason=reason))
    return created
