"""Everything a report shows, read from the audit file into plain data (dicts of strings,
numbers as decimal strings, dates as ISO strings) so that `reports.rendering` never
touches the ORM and the data can be hashed: approval renders exactly the data the
draft was rendered from, or refuses.

A report shows what has been issued (findings issued or closed, with what hangs off
them), never drafts or the team's review.
"""

import datetime
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from audits.choices import (
    AGENCY_RESPONSE_KINDS,
    EvidenceKind,
    RecommendationStatus,
    ResponseKind,
    SanctionKind,
)
from audits.models import (
    Engagement,
    Evidence,
    Finding,
    Organization,
    Recommendation,
    Response,
    Sanction,
)
from audits.querysets import PUBLISHED_FINDING_STATUSES
from audits.selectors.sanctions import sanction_totals, sanctions_with_balance
from audits.services.findings import reply_period_days
from audits.services.sanctions import APPEAL_MONTHS, SUSPENSION_SETTLEMENT_DAYS
from grievances.selectors import grievances_for_engagement
from programme.selectors import programme_for_report


def grievances_section(engagement) -> list[dict]:
    """The citizens' grievances that led to the engagement, as plain data."""
    return [
        {
            "tracking_code": row["tracking_code"],
            "category": row["category"],
            "status": row["status"],
            "submitted_at": _date(row["submitted_at"]),
            "latest_update": row["latest_public_update"],
        }
        for row in grievances_for_engagement(engagement)
    ]


def programme_section(engagement) -> list[dict]:
    """The audit programme's procedures for the annex, as plain data."""
    return [
        {
            "reference": row["reference"],
            "objective": row["objective"],
            "assignees": ", ".join(row["assignees"]),
            "status": row["status_label"],
            "prepared": _signed(row["prepared_by"], row["prepared_at"]),
            "reviewed": _signed(row["reviewed_by"], row["reviewed_at"]),
            "evidence_count": row["evidence_count"],
        }
        for row in programme_for_report(engagement)
    ]


def _signed(person, when) -> str:
    return f"{person}, {str(when)[:10]}" if person else ""


# ---------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _person(user) -> str:
    return (user.full_name or user.username) if user else ""


def _organization(org: Organization | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.pk, "name": org.name, "currency": org.currency}


def engagement_data(engagement: Engagement) -> dict:
    return {
        "id": engagement.pk,
        "reference": engagement.reference,
        "title": engagement.title,
        "subject": engagement.subject,
        "status": engagement.status,
        "status_label": str(engagement.get_status_display()),
        "auditee": engagement.auditee.name,
        "auditee_parent": engagement.auditee.parent.name if engagement.auditee.parent_id else "",
        "sai": engagement.sai.name,
        "period_start": _date(engagement.period_start),
        "period_end": _date(engagement.period_end),
        "amount_audited": _money(engagement.amount_audited),
        "currency": engagement.auditee.currency,
        "location": engagement.location,
        "objectives": engagement.objectives,
        "criteria": engagement.criteria,
        "scope_and_methodology": engagement.scope_and_methodology,
    }


def team_data(engagement: Engagement) -> list[dict]:
    members = engagement.members.select_related("user", "user__organization").order_by(
        "role", "user__full_name"
    )
    return [
        {
            "name": _person(member.user),
            "role": str(member.get_role_display()),
            "organization": member.user.organization.name if member.user.organization else "",
        }
        for member in members
    ]


def _published_findings(engagement_id, only=None):
    findings = Finding.objects.filter(
        engagement_id=engagement_id, status__in=PUBLISHED_FINDING_STATUSES
    )
    if only is not None:
        findings = findings.filter(pk=only)
    return findings.order_by("reference", "pk")


def _responses_by_finding(finding_ids) -> dict[int, list[dict]]:
    responses = (
        Response.objects.filter(finding_id__in=finding_ids)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    grouped: dict[int, list[dict]] = {}
    for response in responses:
        grouped.setdefault(response.finding_id, []).append(
            {
                "kind": response.kind,
                "kind_label": str(response.get_kind_display()),
                "from_agency": response.kind in AGENCY_RESPONSE_KINDS,
                "body": response.body,
                "author": _person(response.author),
                "date": _date(response.created_at),
                "recommendation_id": response.recommendation_id,
            }
        )
    return grouped


def _recommendations_by_finding(finding_ids) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for rec in Recommendation.objects.filter(finding_id__in=finding_ids).order_by("pk"):
        grouped.setdefault(rec.finding_id, []).append(
            {
                "id": rec.pk,
                "text": rec.text,
                "status": rec.status,
                "status_label": str(rec.get_status_display()),
                "target_date": _date(rec.target_date),
            }
        )
    return grouped


def _evidence_links(finding_ids) -> dict[int, list[int]]:
    links = Finding.evidence.through.objects.filter(finding_id__in=finding_ids).order_by(
        "evidence_id"
    )
    grouped: dict[int, list[int]] = {}
    for finding_id, evidence_id in links.values_list("finding_id", "evidence_id"):
        grouped.setdefault(finding_id, []).append(evidence_id)
    return grouped


def evidence_data(evidence_ids) -> list[dict]:
    """The annex: each cited item once, with where its picture is (a storage name)."""
    items = Evidence.objects.filter(pk__in=list(evidence_ids)).order_by("pk")
    rows = []
    for item in items:
        is_photo = item.kind == EvidenceKind.PHOTO or item.content_type.startswith("image/")
        image = (item.preview.name or item.file.name) if is_photo else None
        rows.append(
            {
                "id": item.pk,
                "kind": item.kind,
                "kind_label": str(item.get_kind_display()),
                "description": item.description,
                "date": _date(item.captured_at or item.submitted_at),
                "place": (
                    f"{item.latitude}, {item.longitude}"
                    if item.latitude is not None and item.longitude is not None
                    else ""
                ),
                "sha256": item.sha256,
                "content_type": item.content_type,
                "image": image,
            }
        )
    return rows


def findings_data(engagement_id, only=None) -> list[dict]:
    findings = list(_published_findings(engagement_id, only))
    ids = [finding.pk for finding in findings]
    recommendations = _recommendations_by_finding(ids)
    responses = _responses_by_finding(ids)
    evidence = _evidence_links(ids)
    return [
        {
            "id": finding.pk,
            "reference": finding.reference,
            "title": finding.title,
            "condition": finding.condition,
            "criteria": finding.criteria,
            "cause": finding.cause,
            "effect": finding.effect,
            "severity_label": str(finding.get_severity_display()),
            "amount": _money(finding.amount),
            "status_label": str(finding.get_status_display()),
            "issued_on": _date(finding.issued_on),
            "response_due": _date(finding.response_due),
            "deemed_accepted_on": _date(finding.deemed_accepted_on),
            "recommendations": recommendations.get(finding.pk, []),
            "responses": responses.get(finding.pk, []),
            "evidence": evidence.get(finding.pk, []),
        }
        for finding in findings
    ]


def _liabilities(sanction) -> list[dict]:
    return [
        {
            "name": person.name,
            "position": person.position,
            "share_percent": _money(person.share_percent),
            "share_amount": _money(sanction.amount * person.share_percent / 100),
        }
        for person in sanction.liabilities.all()
    ]


def _sanction_row(sanction) -> dict:
    return {
        "id": sanction.pk,
        "reference": sanction.reference,
        "kind": sanction.kind,
        "kind_label": str(sanction.get_kind_display()),
        "finding_reference": sanction.finding.reference,
        "finding_title": sanction.finding.title,
        "persons": _liabilities(sanction),
        "amount": _money(sanction.amount),
        "settled": _money(sanction.amount_settled),
        "balance": _money(sanction.balance),
        "status": sanction.status,
        "status_label": str(sanction.get_status_display()),
        "issued_on": _date(sanction.issued_on),
        "received_on": _date(sanction.received_on),
        "settle_by": _date(sanction.settle_by),
        "appeal_by": _date(sanction.appeal_by),
    }


def sanctions_data(engagement_id) -> tuple[list[dict], dict]:
    sanctions = sanctions_with_balance(
        Sanction.objects.filter(
            engagement_id=engagement_id, finding__status__in=PUBLISHED_FINDING_STATUSES
        )
    )
    rows = [
        _sanction_row(sanction)
        for sanction in sanctions.select_related("finding")
        .prefetch_related("liabilities")
        .order_by("issued_on", "reference")
    ]
    totals = {key: _money(value) for key, value in sanction_totals(sanctions).items()}
    return rows, totals


def prior_recommendations_data(engagement: Engagement) -> dict | None:
    """The recommendations of the engagement this one follows up, with their status now."""
    prior = engagement.follow_up_of
    if prior is None:
        return None
    recommendations = (
        Recommendation.objects.filter(
            engagement=prior, finding__status__in=PUBLISHED_FINDING_STATUSES
        )
        .select_related("finding")
        .order_by("finding__reference", "pk")
    )
    return {
        "reference": prior.reference,
        "title": prior.title,
        "recommendations": [
            {
                "finding_reference": rec.finding.reference,
                "text": rec.text,
                "status": rec.status,
                "status_label": str(rec.get_status_display()),
            }
            for rec in recommendations
        ],
    }


def status_totals(rows) -> list[dict]:
    counts = {value: 0 for value in RecommendationStatus.values}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return [
        {"status": value, "label": str(label), "count": counts[value]}
        for value, label in RecommendationStatus.choices
    ]


def _base(kind: str, *, report_date: datetime.date, sai: Organization, branding: dict) -> dict:
    return {
        "kind": kind,
        "report_date": report_date.isoformat(),
        "sai": {"name": sai.name if sai else "", **branding},
        "notes": [],
    }


def audit_report_data(engagement: Engagement, *, report_date, branding, progress=None) -> dict:
    """The audit report (and the citizen report, which shows the same results)."""
    step = progress or (lambda fraction: None)
    data = _base("audit_report", report_date=report_date, sai=engagement.sai, branding=branding)
    data["engagement"] = engagement_data(engagement)
    data["team"] = team_data(engagement)
    step(0.1)
    data["findings"] = findings_data(engagement.pk)
    step(0.5)
    cited = sorted({pk for finding in data["findings"] for pk in finding["evidence"]})
    data["evidence"] = evidence_data(cited)
    data["sanctions"], data["sanction_totals"] = sanctions_data(engagement.pk)
    data["prior"] = prior_recommendations_data(engagement)
    data["recommendation_totals"] = status_totals(
        rec for finding in data["findings"] for rec in finding["recommendations"]
    )
    data["amount_questioned"] = _money(
        sum((Decimal(f["amount"]) for f in data["findings"] if f["amount"]), Decimal(0))
    )
    data["grievances"] = grievances_section(engagement)
    data["programme"] = programme_section(engagement)
    step(1.0)
    return data


def _last_agency_update():
    return Response.objects.filter(
        recommendation=OuterRef("pk"),
        kind__in=[ResponseKind.STATUS_UPDATE, ResponseKind.ACTION_PLAN],
    ).order_by("-created_at", "-pk")


def _last_status_change():
    """The auditors' validation: the latest history row of the recommendation whose
    status differs from the one before it is the latest status decision."""
    history = Recommendation.history.model.objects.filter(id=OuterRef("pk")).exclude(
        history_change_reason__isnull=True
    )
    return history.filter(history_type="~").order_by("-history_date", "-history_id")


def recommendation_status_rows(recommendations) -> list[dict]:
    """One row per recommendation; three subqueries, whatever the number of rows."""
    last_update = _last_agency_update()
    validation = _last_status_change()
    queryset = recommendations.annotate(
        update_body=Subquery(last_update.values("body")[:1]),
        update_date=Subquery(last_update.values("created_at")[:1]),
        validation_reason=Subquery(validation.values("history_change_reason")[:1]),
        validation_date=Subquery(validation.values("history_date")[:1]),
        validation_user=Subquery(validation.values("history_user__full_name")[:1]),
    ).values(
        "pk",
        "text",
        "status",
        "update_body",
        "update_date",
        "validation_reason",
        "validation_date",
        "validation_user",
        finding_reference=F("finding__reference"),
        finding_title=F("finding__title"),
        engagement_reference=F("engagement__reference"),
        engagement_year=F("engagement__period_end"),
    )
    labels = dict(RecommendationStatus.choices)
    rows = []
    for row in queryset.order_by("engagement__reference", "finding__reference", "pk").iterator(
        chunk_size=2000
    ):
        changed = row["validation_date"] is not None
        rows.append(
            {
                "engagement_reference": row["engagement_reference"],
                "finding_reference": row["finding_reference"],
                "finding_title": row["finding_title"],
                "text": row["text"],
                "status": row["status"],
                "status_label": str(labels.get(row["status"], row["status"])),
                "agency_update": _text(row["update_body"]),
                "agency_update_date": _date(row["update_date"]),
                "validation_reason": _text(row["validation_reason"]) if changed else "",
                "validation_date": _date(row["validation_date"]),
                "validated_by": _text(row["validation_user"]),
            }
        )
    return rows


def recommendation_status_data(
    *, engagement=None, agency=None, user=None, report_date, branding, progress=None
) -> dict:
    step = progress or (lambda fraction: None)
    published = Q(finding__status__in=PUBLISHED_FINDING_STATUSES)
    if engagement is not None:
        sai = engagement.sai
        recommendations = Recommendation.objects.filter(published, engagement=engagement)
        scope = {"engagement": engagement_data(engagement), "agency": None}
    else:
        sai = user.organization if user and user.is_sai_staff else None
        agencies = Organization.objects.subtree_of(agency.pk).values("pk")
        recommendations = Recommendation.objects.visible_to(user).filter(
            published, engagement__auditee__in=agencies
        )
        scope = {"engagement": None, "agency": _organization(agency)}
    data = _base("recommendation_status", report_date=report_date, sai=sai, branding=branding)
    data.update(scope)
    step(0.1)
    data["rows"] = recommendation_status_rows(recommendations)
    data["totals"] = status_totals(data["rows"])
    step(1.0)
    return data


def observation_memorandum_data(finding: Finding, *, report_date, branding) -> dict:
    engagement = finding.engagement
    data = _base(
        "observation_memorandum", report_date=report_date, sai=engagement.sai, branding=branding
    )
    data["engagement"] = engagement_data(engagement)
    data["team"] = team_data(engagement)
    data["finding"] = findings_data(engagement.pk, only=finding.pk)[0]
    data["evidence"] = evidence_data(data["finding"]["evidence"])
    data["reply_period_days"] = reply_period_days(engagement)
    data["addressee"] = engagement.auditee.name
    return data


def notice_data(sanction: Sanction, *, report_date, branding) -> dict:
    sanction = (
        sanctions_with_balance(Sanction.objects.filter(pk=sanction.pk))
        .select_related("finding", "engagement", "engagement__sai", "engagement__auditee")
        .prefetch_related("liabilities")
        .get()
    )
    engagement = sanction.engagement
    data = _base("notice", report_date=report_date, sai=engagement.sai, branding=branding)
    data["engagement"] = engagement_data(engagement)
    data["team"] = team_data(engagement)
    data["sanction"] = _sanction_row(sanction)
    data["legal_basis"] = sanction.finding.criteria
    data["finding_condition"] = sanction.finding.condition
    data["suspension"] = sanction.kind == SanctionKind.SUSPENSION
    data["settlement_days"] = SUSPENSION_SETTLEMENT_DAYS
    data["appeal_months"] = APPEAL_MONTHS
    return data
