"""Load one realistic Citizen Participatory Audit to click through, through the services.

Modelled on COA's first CPA (2012): a flood-control dike built by a DPWH district office,
audited by COA with citizen auditors from an accredited CSO. Idempotent: each record is
looked up by its natural key (name, username, reference) and created only if missing.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audits.choices import EngagementStatus, OrganizationKind, Role, TeamRole
from audits.models import Engagement, Evidence, Finding, Organization, User
from audits.services import accounts, engagements, evidence, findings
from programme.services.demo import load_demo_programme

DEMO_PASSWORD = "cpa-demo-2026"
TEAM_NOTES = {"leader": ", team leader", "auditor": ", on the team", "citizen": ", on the team"}
ENGAGEMENT_REFERENCE = "CPA-2026-R3-001"

# (key, name, kind, parent key, accreditation number)
ORGANIZATIONS = [
    ("coa", "Commission on Audit", OrganizationKind.SAI, None, ""),
    ("coa_r3", "COA Regional Office No. III (Central Luzon)", OrganizationKind.SAI, "coa", ""),
    (
        "cso_candaba",
        "Candaba Citizens for Good Governance, Inc.",
        OrganizationKind.CSO,
        None,
        "COA-CPA-ACC-2025-0142",
    ),
    ("cso_river", "Pampanga River Basin Watch", OrganizationKind.CSO, None, ""),
    ("dpwh", "Department of Public Works and Highways", OrganizationKind.AGENCY, None, ""),
    ("dpwh_r3", "DPWH Regional Office III", OrganizationKind.AGENCY, "dpwh", ""),
    (
        "dpwh_deo",
        "DPWH Pampanga 1st District Engineering Office",
        OrganizationKind.AGENCY,
        "dpwh_r3",
        "",
    ),
    ("ombudsman", "Office of the Ombudsman", OrganizationKind.AGENCY, None, ""),
]

# (username, full name, role, organisation key); the team is formed by `_engagement`.
USERS = [
    ("admin", "Rosario Villanueva", Role.SAI_ADMIN, "coa"),
    ("supervisor", "Atty. Ernesto Dizon", Role.SUPERVISOR, "coa_r3"),
    ("leader", "Maricel Santos", Role.AUDITOR, "coa_r3"),
    ("auditor", "Jonathan Manalo", Role.AUDITOR, "coa_r3"),
    ("citizen", "Leonora Bautista", Role.CSO_AUDITOR, "cso_candaba"),
    ("agency", "Engr. Ramon Garcia", Role.AGENCY_RESPONDENT, "dpwh_deo"),
    ("oversight", "Teresita Navarro", Role.OVERSIGHT, "ombudsman"),
]

ENGAGEMENT = {
    "reference": ENGAGEMENT_REFERENCE,
    "title": "Rehabilitation of the flood-control dike along the Pampanga River, Candaba",
    "subject": (
        "Rehabilitation and raising of 1.2 km of river dike with slope protection, "
        "contract 25C00042, implemented by the DPWH Pampanga 1st District Engineering Office."
    ),
    "period_start": datetime.date(2025, 1, 1),
    "period_end": datetime.date(2025, 12, 31),
    "amount_audited": "48500000.00",
    "location": "Barangays Pansinao and Mandasig, Candaba, Pampanga",
    "objectives": (
        "Determine whether the dike was built to the approved plans and specifications, "
        "on time, and whether it protects the riverside barangays from seasonal flooding."
    ),
    "criteria": (
        "Contract plans and specifications; Republic Act No. 9184 and its implementing "
        "rules; DPWH Standard Specifications for Highways, Bridges and Airports (2013)."
    ),
    "scope_and_methodology": (
        "Document review of the contract, variation orders and progress billings; joint "
        "site inspection with citizen auditors; geotagged photographs; interviews and a "
        "household survey in the two barangays."
    ),
}

FINDING = {
    "title": "Slope protection shorter than the approved plan",
    "condition": (
        "The grouted riprap on the river side measures 980 m against the 1,200 m in the "
        "approved plan; the contractor was paid for 1,200 m in the third progress billing."
    ),
    "criteria": "Approved plans and specifications, item 505 (grouted riprap).",
    "cause": "Progress billings were certified without a joint measurement on site.",
    "effect": "Overpayment of about PHP 3,960,000 and an unprotected 220 m stretch.",
    "severity": "high",
    "amount": "3960000.00",
}
INSPECTION_NOTES = """Joint site inspection, Barangay Pansinao, Candaba
Team: M. Santos (COA), J. Manalo (COA), L. Bautista (citizen auditor)
Station 0+000 to 1+200, river side.
Grouted riprap measured with a 50 m tape: 980 m in place; 220 m (stations 0+980 to 1+200)
with embankment only, no slope protection. Residents interviewed say the stretch flooded
in August. Photographs 1-14 taken with the phone's location on.
"""
EVIDENCE = {
    "kind": "inspection",
    "description": "Joint site inspection notes: riprap measured at 980 m of 1,200 m",
    "latitude": "15.093300",
    "longitude": "120.827500",
}
RECOMMENDATION = (
    "Require the contractor to complete the 220 m of grouted riprap at its own cost, or "
    "recover the overpayment; measure jointly on site before certifying any billing."
)


class Command(BaseCommand):
    help = "Load a demo Citizen Participatory Audit (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        self.created = []
        with transaction.atomic():
            organizations = self._organizations()
            users = self._users(organizations)
            engagement = self._engagement(organizations, users)
            evidence = self._evidence(engagement, users)
            self._finding(engagement, users, evidence)
            self._grievances(organizations, users, engagement)
            self.created += load_demo_programme(engagement, users)
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(self.created)}."))
        else:
            self.stdout.write("The demo data is already loaded; nothing changed.")
        self._print_logins()

    def _organizations(self) -> dict:
        found = {}
        today = timezone.localdate()
        for key, name, kind, parent_key, accreditation_number in ORGANIZATIONS:
            organization = Organization.objects.filter(name=name, kind=kind).first()
            if organization is None:
                accredited = kind == OrganizationKind.CSO
                organization = accounts.organization_create(
                    by=None,
                    name=name,
                    kind=kind,
                    parent=found.get(parent_key),
                    accreditation_number=accreditation_number,
                    accredited_until=(
                        today.replace(year=today.year + 2, month=12, day=31) if accredited else None
                    ),
                )
                self.created.append(f"organisation {name}")
            found[key] = organization
        return found

    def _users(self, organizations) -> dict:
        found = {}
        admin = None
        for username, full_name, role, organization_key in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = accounts.user_create(
                    by=admin,
                    password=DEMO_PASSWORD,
                    username=username,
                    full_name=full_name,
                    email=f"{username}@demo.example.org",
                    role=role,
                    organization=organizations[organization_key],
                )
                self.created.append(f"user {username}")
            if role == Role.SAI_ADMIN:
                admin = user
            found[username] = user
        return found

    def _engagement(self, organizations, users) -> Engagement:
        leader = users["leader"]
        engagement = Engagement.objects.filter(reference=ENGAGEMENT_REFERENCE).first()
        if engagement is None:
            engagement = engagements.engagement_create(
                by=leader, auditee=organizations["dpwh_deo"], **ENGAGEMENT
            )
            self.created.append(f"engagement {ENGAGEMENT_REFERENCE}")
        on_team = set(engagement.members.values_list("user__username", flat=True))
        for username, team_role in (
            ("auditor", TeamRole.AUDITOR),
            ("citizen", TeamRole.CSO_AUDITOR),
        ):
            if username not in on_team:
                engagements.member_add(engagement, by=leader, user=users[username], role=team_role)
                self.created.append(f"team member {username}")
        if engagement.status == EngagementStatus.PLANNING:
            engagement = engagements.engagement_transition(
                engagement, by=leader, to=EngagementStatus.FIELDWORK
            )
            self.created.append("move to fieldwork")
        return engagement

    def _evidence(self, engagement, users) -> Evidence | None:
        filed = Evidence.objects.filter(engagement=engagement).first()
        if filed is not None or engagement.status != EngagementStatus.FIELDWORK:
            return filed
        upload = SimpleUploadedFile(
            "inspection-notes.txt", INSPECTION_NOTES.encode(), content_type="text/plain"
        )
        filed = evidence.evidence_file(
            by=users["citizen"],
            engagement=engagement,
            upload=upload,
            captured_at=timezone.now(),
            **EVIDENCE,
        )
        self.created.append("evidence item")
        return filed

    def _finding(self, engagement, users, filed_evidence) -> None:
        if Finding.objects.filter(engagement=engagement).exists():
            return
        if engagement.status != EngagementStatus.FIELDWORK:
            return
        finding = findings.finding_create(
            by=users["citizen"],
            engagement=engagement,
            evidence=[filed_evidence] if filed_evidence else [],
            **FINDING,
        )
        findings.recommendation_create(by=users["leader"], finding=finding, text=RECOMMENDATION)
        self.created.append("draft finding with a recommendation")

    def _grievances(self, organizations, users, engagement) -> None:
        from grievances.demo import load_demo_grievances

        self.created += load_demo_grievances(
            agency=organizations["dpwh_deo"],
            supervisor=users["supervisor"],
            respondent=users["agency"],
            engagement=engagement,
        )

    def _print_logins(self) -> None:
        width = max(len(username) for username, *_rest in USERS)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(
            f"  {'username'.ljust(width)}  {'password'.ljust(len(DEMO_PASSWORD))}  role"
        )
        for username, full_name, role, _organization in USERS:
            self.stdout.write(
                f"  {username.ljust(width)}  {DEMO_PASSWORD}  {Role(role).label}"
                f"{TEAM_NOTES.get(username, '')} ({full_name})"
            )
