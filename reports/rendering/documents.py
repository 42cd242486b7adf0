"""From plain report data (see `reports.selectors`) to PDF bytes. No ORM here: the data
is dicts of strings, and pictures come through the `open_image(name) -> bytes` callable.

`render(data, draft=..., verify_url=..., open_image=..., progress=...)` picks the layout
by `data["kind"]`. A draft carries the DRAFT watermark on every page; a final version
carries the verification address as a QR code on its last page.
"""

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.shapes import Circle, Drawing, String
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from reports.rendering import charts
from reports.rendering.base import (
    ACCENT,
    BOLD,
    RULE,
    SHADE,
    ReportDocument,
    canvas_maker,
    long_table,
    styles,
    table_of_contents,
    text,
)
from reports.rendering.photos import ThumbnailCache

TITLES = {
    "audit_report": gettext_lazy("Audit report"),
    "citizen_report": gettext_lazy("Citizen report"),
    "recommendation_status": gettext_lazy("Recommendation status report"),
    "observation_memorandum": gettext_lazy("Audit observation memorandum"),
    "notice": gettext_lazy("Notice"),
}
NONE_RECORDED = gettext_lazy("None recorded.")


# --- formatting ----------------------------------------------------------------------------


def day(value) -> str:
    if not value:
        return "—"
    return datetime.date.fromisoformat(value).strftime("%d %B %Y").lstrip("0")


def money(value, currency="") -> str:
    if value is None:
        return "—"
    return f"{currency} {Decimal(value):,.2f}".strip()


def _p(value, style):
    return Paragraph(text(value), style)


def _labelled(label, value, st) -> list:
    if not value:
        return []
    return [Paragraph(text(label), st["label"]), _p(value, st["body"])]


def _key_values(pairs, st, widths=(4.5 * cm, 12.9 * cm)) -> Table:
    rows = [[_p(label, st["cell"]), _p(value, st["cell"])] for label, value in pairs]
    table = Table(rows, colWidths=list(widths), splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _emblem(name: str) -> Drawing:
    """Drawn when the SAI has not uploaded a logo: its initials in a ring."""
    initials = "".join(word[0] for word in name.split() if word[:1].isupper())[:4] or "SAI"
    drawing = Drawing(3 * cm, 3 * cm)
    drawing.add(
        Circle(1.5 * cm, 1.5 * cm, 1.4 * cm, strokeColor=ACCENT, strokeWidth=3, fillColor=None)
    )
    drawing.add(
        String(
            1.5 * cm,
            1.3 * cm,
            initials,
            fontName=BOLD,
            fontSize=22,
            fillColor=ACCENT,
            textAnchor="middle",
        )
    )
    return drawing


def _logo(data, photos: ThumbnailCache):
    sai = data["sai"]
    logo = photos.flowable(sai.get("logo"), 3.5 * cm, 3.5 * cm)
    return logo or _emblem(sai.get("name") or "SAI")


def _cover(data, st, photos, *, kind_title, subtitle_lines, draft) -> list:
    story = [Spacer(1, 1.5 * cm), _logo(data, photos), Spacer(1, 0.6 * cm)]
    story.append(_p(data["sai"].get("name", ""), st["center"]))
    story += [Spacer(1, 2 * cm), _p(kind_title.upper(), st["title"])]
    for line in subtitle_lines:
        story.append(_p(line, st["center"]))
    story += [Spacer(1, 1 * cm), _p(_("Report date: %s") % day(data["report_date"]), st["center"])]
    if draft:
        story.append(_p(_("Draft for review — not approved, not for release."), st["center"]))
    return story


def _signature_block(data, st, *, prepared_label=None) -> list:
    approval = data.get("approval")
    team = [member for member in data.get("team", []) if member["role"]]
    leaders = [m["name"] for m in team if m["role"] == str(_("Team leader"))] or [
        m["name"] for m in team[:1]
    ]
    signatory = data["sai"].get("signatory_title") or _("Supervising Auditor")
    approved_line = (
        _("Approved by %(name)s, %(title)s, on %(date)s")
        % {"name": approval["by"], "title": signatory, "date": day(approval["date"])}
        if approval
        else _("Awaiting approval by the %(title)s.") % {"title": signatory}
    )
    rows = [
        [
            _p(prepared_label or _("Prepared by"), st["label"]),
            _p(_("Approved by"), st["label"]),
        ],
        [
            _p("\n".join(leaders) or "—", st["body"]),
            _p(approved_line, st["body"]),
        ],
        [_p("_" * 32, st["body"]), _p("_" * 32, st["body"])],
        [_p(_("Signature"), st["small"]), _p(_("Signature"), st["small"])],
    ]
    table = Table(rows, colWidths=[8.5 * cm, 8.5 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [CondPageBreak(4.5 * cm), Spacer(1, 0.6 * cm), KeepTogether([table])]


def _evidence_rows(evidence, photos, st, *, thumb=2.6 * cm) -> list[list]:
    rows = []
    for item in evidence:
        picture = photos.flowable(item["image"], thumb, thumb) if item["image"] else None
        if item["image"] and picture is None:
            picture = _p(_("(picture could not be read)"), st["small"])
        details = [
            _p(f"#{item['id']} · {item['kind_label']} · {day(item['date'])}", st["cell"]),
            _p(item["description"][:600], st["cell"]),
        ]
        if item["place"]:
            details.append(_p(_("Place: %s") % item["place"], st["cell"]))
        details.append(_p(item["sha256"], st["hash"]))
        rows.append([picture or "", details])
    return rows


def _observation(finding, st) -> list:
    """Condition, criteria, cause, effect: the four parts of every finding."""
    story = []
    for label, key in [
        (_("Condition"), "condition"),
        (_("Criteria"), "criteria"),
        (_("Cause"), "cause"),
        (_("Effect"), "effect"),
    ]:
        story += _labelled(label, finding[key], st)
    return story


# --- audit report --------------------------------------------------------------------------


def _finding_section(number, finding, data, st) -> list:
    currency = data["engagement"]["currency"]
    story = [Paragraph(text(f"{number}. {finding['reference']} — {finding['title']}"), st["h2"])]
    meta = [
        _("Issued on %s") % day(finding["issued_on"]),
        _("Severity: %s") % finding["severity_label"],
    ]
    if finding["amount"]:
        meta.append(_("Amount: %s") % money(finding["amount"], currency))
    if finding["deemed_accepted_on"]:
        meta.append(_("No reply by the due date: deemed accepted"))
    story.append(_p(" · ".join(meta), st["small"]))
    story += _observation(finding, st)
    story.append(Paragraph(text(_("Recommendations")), st["label"]))
    for index, rec in enumerate(finding["recommendations"], start=1):
        story.append(_p(f"{index}. {rec['text']}  [{rec['status_label']}]", st["body"]))
    if not finding["recommendations"]:
        story.append(_p(NONE_RECORDED, st["body"]))
    agency = [r for r in finding["responses"] if r["from_agency"]]
    rejoinders = [r for r in finding["responses"] if not r["from_agency"]]
    story.append(Paragraph(text(_("Agency's comments")), st["label"]))
    for response in agency:
        story.append(_p(f"{response['kind_label']} ({day(response['date'])}):", st["small"]))
        story.append(_p(response["body"], st["body"]))
    if not agency:
        story.append(_p(_("The agency made no comment."), st["body"]))
    story.append(Paragraph(text(_("Auditors' rejoinder")), st["label"]))
    for response in rejoinders:
        story.append(_p(f"({day(response['date'])}) {response['body']}", st["body"]))
    if not rejoinders:
        story.append(_p(NONE_RECORDED, st["body"]))
    if finding["evidence"]:
        cited = ", ".join(f"#{pk}" for pk in finding["evidence"])
        story.append(_p(_("Evidence cited (Annex A): %s") % cited, st["small"]))
    return story


def _sanctions_table(data, st) -> list:
    currency = data["engagement"]["currency"]
    if not data["sanctions"]:
        return [_p(_("No notice of suspension, disallowance or charge was issued."), st["body"])]
    rows = [
        [
            row["reference"],
            row["kind_label"],
            "; ".join(
                f"{p['name']}{' (' + p['position'] + ')' if p['position'] else ''} "
                f"{p['share_percent']}%"
                for p in row["persons"]
            ),
            money(row["amount"]),
            money(row["settled"]),
            money(row["balance"]),
            row["status_label"],
        ]
        for row in data["sanctions"]
    ]
    totals = data["sanction_totals"]
    header = [
        _("Reference"),
        _("Kind"),
        _("Persons liable"),
        _("Amount"),
        _("Paid"),
        _("Balance"),
        _("Status"),
    ]
    widths = [2.6 * cm, 2.6 * cm, 4.2 * cm, 2.3 * cm, 2.1 * cm, 2.1 * cm, 1.5 * cm]
    story = long_table(header, rows, widths, st)
    summary = _p(
        _("Issued %(issued)s · settled %(settled)s · outstanding %(outstanding)s")
        % {key: money(value, currency) for key, value in totals.items()},
        st["small"],
    )
    story[-1] = KeepTogether([story[-1], summary])
    return story


def _prior_table(data, st) -> list:
    prior = data["prior"]
    if prior is None:
        return [_p(_("This engagement does not follow up an earlier one."), st["body"])]
    story = [
        _p(
            _("Recommendations of %(ref)s %(title)s and their status now:")
            % {"ref": prior["reference"], "title": prior["title"]},
            st["body"],
        )
    ]
    rows = [
        [r["finding_reference"], r["text"], r["status_label"]] for r in prior["recommendations"]
    ]
    if not rows:
        return story + [_p(NONE_RECORDED, st["body"])]
    return story + long_table(
        [_("Finding"), _("Recommendation"), _("Status")], rows, [3 * cm, 10.5 * cm, 3.9 * cm], st
    )


def _grievances_table(data, st) -> list:
    grievances = data.get("grievances") or []
    if not grievances:
        return [_p(NONE_RECORDED, st["body"])]
    rows = [
        [
            g.get("tracking_code", ""),
            g.get("category", ""),
            g.get("status", ""),
            str(g.get("submitted_at", ""))[:10],
            g.get("latest_update", "") or "",
        ]
        for g in grievances
    ]
    return long_table(
        [_("Tracking code"), _("Category"), _("Status"), _("Submitted"), _("Latest update")],
        rows,
        [3.6 * cm, 2.8 * cm, 2.5 * cm, 2.3 * cm, 6.2 * cm],
        st,
        code_columns=(0,),
    )


def _programme_table(data, st) -> list:
    steps = data.get("programme") or []
    if not steps:
        return [_p(NONE_RECORDED, st["body"])]
    rows = [
        [
            step["reference"],
            step["objective"],
            step["assignees"],
            step["status"],
            step["prepared"],
            step["reviewed"],
            str(step["evidence_count"]),
        ]
        for step in steps
    ]
    return long_table(
        [
            _("Ref."),
            _("Procedure"),
            _("Assigned to"),
            _("Status"),
            _("Prepared"),
            _("Reviewed"),
            _("Evidence"),
        ],
        rows,
        [1.6 * cm, 5 * cm, 2.8 * cm, 1.9 * cm, 2.4 * cm, 2.4 * cm, 1.5 * cm],
        st,
    )


def audit_report_story(data, st, photos, *, draft, step) -> list:
    engagement = data["engagement"]
    currency = engagement["currency"]
    story = _cover(
        data,
        st,
        photos,
        kind_title=TITLES["audit_report"],
        subtitle_lines=[
            f"{engagement['reference']} — {engagement['title']}",
            engagement["auditee"],
        ],
        draft=draft,
    )
    story += [PageBreak(), _p(_("Contents"), st["title"]), table_of_contents(st), PageBreak()]

    def h1(title):
        story.append(Paragraph(text(title), st["h1"]))

    h1(_("1. Transmittal"))
    story.append(_p(_("To the Head of %(agency)s") % {"agency": engagement["auditee"]}, st["body"]))
    story.append(
        _p(
            _(
                "We transmit the report of the audit %(ref)s, %(title)s, covering %(start)s to "
                "%(end)s, carried out jointly by %(sai)s and citizen auditors. It sets out what we "
                "found, your management's comments and our recommendations. Please report your "
                "action plan on each recommendation within 60 days of receipt."
            )
            % {
                "ref": engagement["reference"],
                "title": engagement["title"],
                "start": day(engagement["period_start"]),
                "end": day(engagement["period_end"]),
                "sai": data["sai"].get("name", ""),
            },
            st["body"],
        )
    )
    h1(_("2. Background"))
    story.append(
        _key_values(
            [
                (_("Subject"), engagement["subject"] or "—"),
                (_("Audited agency"), engagement["auditee"]),
                (_("Location"), engagement["location"] or "—"),
                (
                    _("Period"),
                    f"{day(engagement['period_start'])} – {day(engagement['period_end'])}",
                ),
                (_("Amount audited"), money(engagement["amount_audited"], currency)),
                (
                    _("Audit team"),
                    "\n".join(
                        f"{m['name']} — {m['role']}, {m['organization']}" for m in data["team"]
                    )
                    or "—",
                ),
            ],
            st,
        )
    )
    h1(_("3. Audit focus and objectives"))
    story.append(_p(engagement["objectives"] or NONE_RECORDED, st["body"]))
    h1(_("4. Criteria"))
    story.append(_p(engagement["criteria"] or NONE_RECORDED, st["body"]))
    h1(_("5. Scope and methodology"))
    story.append(_p(engagement["scope_and_methodology"] or NONE_RECORDED, st["body"]))
    h1(_("6. Overall results"))
    totals = ", ".join(
        f"{t['label']}: {t['count']}" for t in data["recommendation_totals"] if t["count"]
    )
    story.append(
        _p(
            _(
                "%(n)d finding(s) were issued to the agency, questioning %(amount)s in total. "
                "Recommendations by status: %(totals)s. Sanctions: issued %(issued)s, settled "
                "%(settled)s, outstanding %(outstanding)s."
            )
            % {
                "n": len(data["findings"]),
                "amount": money(data["amount_questioned"], currency),
                "totals": totals or "—",
                **{key: money(value, currency) for key, value in data["sanction_totals"].items()},
            },
            st["body"],
        )
    )
    h1(_("7. Findings and recommendations"))
    if not data["findings"]:
        story.append(_p(_("No finding was issued."), st["body"]))
    count = len(data["findings"])
    for number, finding in enumerate(data["findings"], start=1):
        story += _finding_section(number, finding, data, st)
        if number % 20 == 0:
            step(0.3 * number / count)
    h1(_("8. Grievances that led to this audit"))
    story += _grievances_table(data, st)
    h1(_("9. Sanctions issued"))
    story += _sanctions_table(data, st)
    h1(_("10. Status of prior recommendations"))
    story += _prior_table(data, st)
    story.append(PageBreak())
    h1(_("Annex A. Evidence cited"))
    if data["evidence"]:
        story.append(
            _p(
                _(
                    "Each item is identified by the SHA-256 of the file as filed; anyone "
                    "holding a copy can recompute it."
                ),
                st["small"],
            )
        )
        story += long_table(
            [_("Picture"), _("Evidence")],
            _evidence_rows(data["evidence"], photos, st),
            [3 * cm, 14.4 * cm],
            st,
        )
    else:
        story.append(_p(NONE_RECORDED, st["body"]))
    step(0.35)
    h1(_("Annex B. Audit programme"))
    story += _programme_table(data, st)
    story += _notes(data, st)
    story += _signature_block(data, st)
    return story


def _notes(data, st) -> list:
    if not data.get("notes"):
        return []
    story = [Paragraph(text(_("Notes on this file")), st["label"])]
    return story + [_p(note, st["small"]) for note in data["notes"]]


# --- citizen report ------------------------------------------------------------------------


def citizen_report_story(data, st, photos, *, draft, step) -> list:
    engagement = data["engagement"]
    currency = engagement["currency"]
    story = _cover(
        data,
        st,
        photos,
        kind_title=_("What we found"),
        subtitle_lines=[engagement["title"], engagement["location"] or engagement["auditee"]],
        draft=draft,
    )
    story.append(PageBreak())
    story.append(Paragraph(text(_("What was audited")), st["h1"]))
    story.append(
        _p(
            _(
                "%(sai)s and citizen auditors checked %(subject)s of %(agency)s, from %(start)s to "
                "%(end)s. Money involved: %(amount)s."
            )
            % {
                "sai": data["sai"].get("name", ""),
                "subject": engagement["subject"] or engagement["title"],
                "agency": engagement["auditee"],
                "start": day(engagement["period_start"]),
                "end": day(engagement["period_end"]),
                "amount": money(engagement["amount_audited"], currency),
            },
            st["body"],
        )
    )
    story.append(Paragraph(text(_("What we found")), st["h1"]))
    photo_by_id = {item["id"]: item for item in data["evidence"]}
    for finding in data["findings"]:
        block = [Paragraph(text(finding["title"]), st["h2"])]
        summary = finding["condition"] or finding["effect"]
        block.append(_p(summary[:700] + ("…" if len(summary) > 700 else ""), st["body"]))
        if finding["amount"]:
            block.append(
                _p(_("Money in question: %s") % money(finding["amount"], currency), st["body"])
            )
        picture = next(
            (
                photos.flowable(photo_by_id[pk]["image"], 12 * cm, 7 * cm)
                for pk in finding["evidence"]
                if pk in photo_by_id and photos.readable(photo_by_id[pk]["image"])
            ),
            None,
        )
        if picture is not None:
            block.append(picture)
        block.append(_p(_("What should be done:"), st["label"]))
        for rec in finding["recommendations"]:
            block.append(_p(f"• {rec['text'][:400]} — {rec['status_label']}", st["body"]))
        head = 4 if picture is not None else 3
        story.append(KeepTogether(block[:head]))
        story += block[head:]
    if not data["findings"]:
        story.append(_p(_("No finding was issued."), st["body"]))
    step(0.3)
    story.append(Paragraph(text(_("In numbers")), st["h1"]))
    width = 17 * cm
    story.append(
        charts.bar_chart(
            _("Money in question, by finding (%s)") % currency,
            [(f["reference"], float(f["amount"])) for f in data["findings"] if f["amount"]],
            width=width,
            value_format="{:,.0f}".format,
            money=True,
        )
    )
    story.append(Spacer(1, 0.4 * cm))
    story.append(
        charts.bar_chart(
            _("Recommendations, by status"),
            [(t["label"], t["count"]) for t in data["recommendation_totals"]],
            width=width,
        )
    )
    story.append(Spacer(1, 0.4 * cm))
    grievances = data.get("grievances") or []
    counts: dict[str, int] = {}
    for grievance in grievances:
        counts[str(grievance.get("status", ""))] = (
            counts.get(str(grievance.get("status", "")), 0) + 1
        )
    story.append(
        charts.bar_chart(
            _("Complaints that led to this audit, by what happened"),
            list(counts.items()),
            width=width,
        )
    )
    if not grievances:
        story.append(_p(_("No citizen complaint is linked to this audit."), st["body"]))
    story.append(Paragraph(text(_("What happens next")), st["h1"]))
    story.append(
        _p(
            _(
                "The agency reports what it does about each recommendation, and the "
                "auditors check it on the ground. You can follow the status on the "
                "public pages of %s."
            )
            % data["sai"].get("name", ""),
            st["body"],
        )
    )
    story += _notes(data, st)
    story += _signature_block(data, st)
    return story


# --- recommendation status -------------------------------------------------------------------


def recommendation_status_story(data, st, photos, *, draft, step) -> list:
    scope = data["engagement"] or data["agency"]
    heading = (
        f"{scope['reference']} — {scope['title']}"
        if data["engagement"]
        else _("%(agency)s and the offices below it") % {"agency": scope["name"]}
    )
    story = [
        _p(data["sai"].get("name", ""), st["small"]),
        Paragraph(text(TITLES["recommendation_status"]), st["h1"]),
        _p(heading, st["body"]),
        _p(_("As of %s") % day(data["report_date"]), st["small"]),
        Paragraph(text(_("Totals by status")), st["label"]),
    ]
    totals = [[t["label"], str(t["count"])] for t in data["totals"]]
    totals.append([_("All"), str(sum(t["count"] for t in data["totals"]))])
    story += long_table([_("Status"), _("Recommendations")], totals, [8 * cm, 4 * cm], st)
    story.append(Spacer(1, 0.5 * cm))
    rows = data["rows"]
    if not rows:
        story.append(_p(NONE_RECORDED, st["body"]))
    table_rows = []
    for index, row in enumerate(rows, start=1):
        update = row["agency_update"]
        if update:
            update = f"{day(row['agency_update_date'])}: {update}"
        validation = row["validation_reason"]
        if validation:
            validation = f"{day(row['validation_date'])}, {row['validated_by']}: {validation}"
        table_rows.append(
            [
                f"{row['engagement_reference']}\n{row['finding_reference']}",
                row["text"],
                row["status_label"],
                update or "—",
                validation or "—",
            ]
        )
        if index % 2000 == 0:
            step(0.3 * index / len(rows))
    header = [
        _("Engagement / finding"),
        _("Recommendation"),
        _("Status"),
        _("Agency's last update"),
        _("Auditors' validation"),
    ]
    widths = [3.4 * cm, 8.5 * cm, 2.8 * cm, 5.7 * cm, 5.6 * cm]
    story += long_table(header, table_rows, widths, st)
    story += _notes(data, st)
    return story


# --- documents served on the agency ----------------------------------------------------------


def _letterhead(data, st, photos) -> list:
    logo = _logo(data, photos)
    head = Table(
        [[logo, _p(data["sai"].get("name", ""), st["label"])]], colWidths=[4 * cm, 13.4 * cm]
    )
    head.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT)]
        )
    )
    return [head, Spacer(1, 0.4 * cm)]


def observation_memorandum_story(data, st, photos, *, draft, step) -> list:
    finding = data["finding"]
    engagement = data["engagement"]
    story = _letterhead(data, st, photos)
    story.append(
        Paragraph(text(_("Audit observation memorandum No. %s") % finding["reference"]), st["h1"])
    )
    story.append(
        _key_values(
            [
                (_("To"), _("The Head of Agency, %s") % data["addressee"]),
                (_("Engagement"), f"{engagement['reference']} — {engagement['title']}"),
                (_("Date issued"), day(finding["issued_on"])),
                (_("Subject"), finding["title"]),
            ],
            st,
        )
    )
    story.append(Spacer(1, 0.3 * cm))
    story.append(
        _p(
            _(
                "We bring to your attention the following observation from the audit. "
                "Please comment on it, and on the action you will take, within "
                "%(days)d calendar days of receipt of this memorandum, that is by "
                "%(due)s. Without a reply by then the observation is treated as accepted "
                "and goes into the audit report as it stands."
            )
            % {"days": data["reply_period_days"], "due": day(finding["response_due"])},
            st["body"],
        )
    )
    story += _observation(finding, st)
    if finding["amount"]:
        story += _labelled(_("Amount"), money(finding["amount"], engagement["currency"]), st)
    story.append(Paragraph(text(_("Recommendations")), st["label"]))
    for index, rec in enumerate(finding["recommendations"], start=1):
        story.append(_p(f"{index}. {rec['text']}", st["body"]))
    if data["evidence"]:
        story.append(Paragraph(text(_("Evidence")), st["label"]))
        story += long_table(
            [_("Picture"), _("Evidence")],
            _evidence_rows(data["evidence"], photos, st, thumb=2 * cm),
            [2.4 * cm, 15 * cm],
            st,
        )
    story += _notes(data, st)
    story += _signature_block(data, st, prepared_label=_("For the audit team"))
    return story


def notice_story(data, st, photos, *, draft, step) -> list:
    sanction = data["sanction"]
    engagement = data["engagement"]
    currency = engagement["currency"]
    story = _letterhead(data, st, photos)
    story.append(Paragraph(text(f"{sanction['kind_label']} No. {sanction['reference']}"), st["h1"]))
    story.append(
        _key_values(
            [
                (_("Agency"), engagement["auditee"]),
                (_("Engagement"), f"{engagement['reference']} — {engagement['title']}"),
                (_("Finding"), f"{sanction['finding_reference']} — {sanction['finding_title']}"),
                (_("Amount"), money(sanction["amount"], currency)),
                (_("Issued on"), day(sanction["issued_on"])),
                (_("Received on"), day(sanction["received_on"])),
            ],
            st,
        )
    )
    story.append(Paragraph(text(_("Persons liable")), st["label"]))
    rows = [
        [
            p["name"],
            p["position"] or "—",
            f"{p['share_percent']}%",
            money(p["share_amount"], currency),
        ]
        for p in sanction["persons"]
    ]
    story += long_table(
        [_("Name"), _("Position"), _("Share"), _("Amount")],
        rows,
        [5.5 * cm, 5.5 * cm, 2.4 * cm, 4 * cm],
        st,
    )
    story += _labelled(_("Facts"), data["finding_condition"], st)
    story += _labelled(_("Legal basis"), data["legal_basis"] or "—", st)
    if data["suspension"]:
        story += _labelled(_("Settle by"), day(sanction["settle_by"]), st)
        story.append(
            _p(
                _(
                    "Settle this suspension within %(days)d days of receipt, by "
                    "%(date)s, by payment or by submitting the missing documents or "
                    "justification. If it is not settled by then it matures into a "
                    "notice of disallowance."
                )
                % {"days": data["settlement_days"], "date": day(sanction["settle_by"])},
                st["body"],
            )
        )
    else:
        story += _labelled(_("Appeal by"), day(sanction["appeal_by"]), st)
        story.append(
            _p(
                _(
                    "How to appeal: the persons liable may appeal to the Director within "
                    "%(months)d months of receipt, that is by %(date)s, by a written "
                    "appeal memorandum with its supporting documents. No motion for "
                    "reconsideration lies with the auditor. Without an appeal in time "
                    "this notice becomes final and executory, and an unpaid amount may "
                    "be withheld from salary under an order of execution."
                )
                % {"months": data["appeal_months"], "date": day(sanction["appeal_by"])},
                st["body"],
            )
        )
    story += _notes(data, st)
    story += _signature_block(data, st, prepared_label=_("Issued by"))
    return story


STORIES = {
    "audit_report": audit_report_story,
    "citizen_report": citizen_report_story,
    "recommendation_status": recommendation_status_story,
    "observation_memorandum": observation_memorandum_story,
    "notice": notice_story,
}
WITH_CONTENTS = {"audit_report"}
WIDE = {"recommendation_status"}
LARGE_TYPE = {"citizen_report": 13}


def header_line(data) -> str:
    engagement = data.get("engagement")
    scope = (
        f"{engagement['reference']} {engagement['title']}"
        if engagement
        else (data.get("agency") or {}).get("name", "")
    )
    return f"{data['sai'].get('name', '')} · {TITLES[data['kind']]} · {scope}"


def render(
    data: dict, *, draft: bool, verify_url: str | None = None, open_image=None, progress=None
) -> tuple[bytes, list[str]]:
    """The PDF bytes and the notes made on the way (a picture that could not be read).
    `progress(fraction)` is told 0..1 as the work goes."""
    step = progress or (lambda fraction: None)
    kind = data["kind"]
    st = styles(LARGE_TYPE.get(kind, 9.5))
    data = {**data, "notes": list(data.get("notes", []))}
    photos = ThumbnailCache(open_image, data["notes"])
    try:
        pdf = _build(data, st, photos, kind=kind, draft=draft, verify_url=verify_url, step=step)
    finally:
        photos.close()
    step(1.0)
    return pdf, data["notes"]


def _preseed_contents(story) -> None:
    """Give the table of contents every heading before the first pass (page numbers are
    unknown, the lines are not), so the first layout already has the contents at their
    final length and the second pass only fills in page numbers: two passes, not three."""
    toc = next((f for f in story if isinstance(f, TableOfContents)), None)
    if toc is None:
        return
    headings = [f for f in story if isinstance(f, Paragraph) and f.style.name in ("h1", "h2")]
    toc._entries = [
        (0 if f.style.name == "h1" else 1, f.getPlainText(), 0, f"h{number}")
        for number, f in enumerate(headings, start=1)
    ]


def _build(data, st, photos, *, kind, draft, verify_url, step) -> bytes:
    story = STORIES[kind](data, st, photos, draft=draft, step=step)
    _preseed_contents(story)
    buffer = io.BytesIO()
    passes = 2 if kind in WITH_CONTENTS else 1
    done = {"pass": 0}

    def build_progress(fraction):
        step(0.4 + 0.6 * (done["pass"] + fraction) / passes)

    doc = ReportDocument(
        buffer, title=header_line(data), wide=kind in WIDE, progress=build_progress
    )
    doc.count_flowables(story)
    maker = canvas_maker(header=header_line(data), draft=draft, verify_url=verify_url)
    if kind in WITH_CONTENTS:
        original_build = doc.build

        def counting_build(*args, **kwargs):
            original_build(*args, **kwargs)
            done["pass"] = min(done["pass"] + 1, passes - 1)

        doc.build = counting_build
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return buffer.getvalue()
