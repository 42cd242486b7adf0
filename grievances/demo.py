"""Demo grievances for `manage.py load_demo`, in different states, one of them taken
into the demo engagement. Filed and moved through the services; idempotent (each is
looked up by its description)."""

from grievances.choices import Channel
from grievances.choices import GrievanceStatus as G
from grievances.models import Grievance, GrievanceCategory
from grievances.services.filing import grievance_file
from grievances.services.triage import grievance_transition, grievance_update_post

# (description, category code, final status, anonymous, contact name, extra)
DEMO_GRIEVANCES = [
    (
        "The riprap along the dike at Sitio Bakal stops about 200 m short of the length "
        "painted on the project signboard.",
        "infrastructure",
        G.REFERRED_TO_AUDIT,
        False,
        "Ligaya Pamintuan",
    ),
    (
        "Potholes on the dike access road in Barangay Mandili fill with water; tricycles "
        "can no longer pass after rain.",
        "infrastructure",
        G.REFERRED_TO_AGENCY,
        False,
        "Crisanto Yumul",
    ),
    (
        "The new day-care centre in Barangay Pulong Palazan has no water connection although "
        "the project was reported complete.",
        "water_sanitation",
        G.UNDER_REVIEW,
        True,
        "Rowena Tuazon",
    ),
    (
        "Garbage has not been collected along the river road for two weeks.",
        "health",
        G.RECEIVED,
        False,
        "",
    ),
    (
        "The road inside a private subdivision in Candaba was never paved.",
        "infrastructure",
        G.DISMISSED,
        False,
        "",
    ),
]
ACTION_PLAN = (
    "DPWH Pampanga 1st DEO: maintenance crew to patch the potholes within 10 working days; "
    "the road is included in the 2027 concreting programme."
)
DISMISSAL = "This road belongs to a private subdivision: the audit institution audits public funds."


def load_demo_grievances(*, agency, supervisor, respondent, engagement) -> list[str]:
    created = []
    for description, code, status, anonymous, name in DEMO_GRIEVANCES:
        if Grievance.objects.filter(description=description).exists():
            continue
        category, _created = GrievanceCategory.objects.get_or_create(
            code=code, defaults={"name": code.replace("_", " ").capitalize()}
        )
        grievance = grievance_file(
            channel=Channel.WEB,
            description=description,
            category=category,
            agency=agency if code == "infrastructure" else None,
            location="Candaba, Pampanga",
            latitude=15.0935,
            longitude=120.8277,
            anonymous=anonymous,
            contact_name=name,
            contact_email=f"{name.split()[0].lower()}@demo.example.org" if name else "",
        )
        if status != G.RECEIVED:
            grievance = grievance_transition(grievance, by=supervisor, to=G.UNDER_REVIEW)
        if status == G.REFERRED_TO_AGENCY:
            grievance = grievance_transition(
                grievance, by=supervisor, to=G.REFERRED_TO_AGENCY, agency=agency
            )
            grievance_update_post(grievance, by=respondent, text=ACTION_PLAN)
        elif status == G.REFERRED_TO_AUDIT:
            grievance_transition(
                grievance,
                by=supervisor,
                to=G.REFERRED_TO_AUDIT,
                engagement=engagement,
                reason="Matches the audit of the dike",
            )
        elif status == G.DISMISSED:
            grievance_transition(grievance, by=supervisor, to=G.DISMISSED, reason=DISMISSAL)
        created.append(f"grievance {grievance.grouped_code} ({status})")
    return created
