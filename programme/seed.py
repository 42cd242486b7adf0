"""The four programme templates of the CPA pilots, seeded by migration 0002 and re-seeded
(idempotently, by name) wherever a flushed test database or `load_demo` needs them.

Each procedure: (objective, criteria, method, location, estimated hours)."""

FLOOD_CONTROL = "Flood-control structure (dike, revetment, drainage)"
HEALTH_FACILITY = "Health facility (barangay health station, rural health unit)"
SOLID_WASTE = "Solid waste management (RA 9003 compliance)"
SCHOOL_BUILDING = "School building construction or repair"

PILOT_TEMPLATES = [
    {
        "name": FLOOD_CONTROL,
        "kind": "flood_control",
        "description": (
            "Modelled on the 2012 CPA pilot on the Pampanga flood-control dike: whether the "
            "structure was built to plan and specification, on time, and protects the "
            "communities it was built for."
        ),
        "procedures": [
            (
                "Review the contract, approved plans, variation orders and progress billings.",
                "RA 9184 and its IRR; the contract and its approved plans and specifications.",
                "document_review",
                "District engineering office",
                "8.0",
            ),
            (
                "Measure the length, crest height and slope protection (riprap) thickness "
                "along the alignment.",
                "Approved plans; DPWH Standard Specifications, items 505 and 506.",
                "measurement",
                "Along the dike, every 50 m station",
                "12.0",
            ),
            (
                "Inspect the structure for cracks, scouring, settlement and missing sections.",
                "Approved plans; DPWH quality control manual.",
                "inspection",
                "Whole alignment, river and land side",
                "6.0",
            ),
            (
                "Take geotagged photographs of each station and every defect found.",
                "Evidence standards of the audit: location and time on every photograph.",
                "photo_documentation",
                "Each measured station",
                "4.0",
            ),
            (
                "Interview barangay officials and residents on flooding since completion.",
                "Project objective: protect the riverside barangays from seasonal flooding.",
                "interview",
                "Riverside barangays",
                "6.0",
            ),
            (
                "Survey households on the benefits of the project and their participation.",
                "Project objective and the agency's social safeguards.",
                "survey",
                "Households within 500 m of the dike",
                "10.0",
            ),
        ],
    },
    {
        "name": HEALTH_FACILITY,
        "kind": "health_facility",
        "description": (
            "Whether the facility was built or equipped as planned and delivers the services "
            "it was funded for."
        ),
        "procedures": [
            (
                "Review the program of work, contract, inventory of equipment and deliveries.",
                "RA 9184; DOH licensing standards for the facility's level.",
                "document_review",
                "Municipal health office",
                "6.0",
            ),
            (
                "Inspect the building, water supply, power and waste disposal.",
                "DOH licensing standards; the approved plans.",
                "inspection",
                "Facility premises",
                "4.0",
            ),
            (
                "Check the equipment and medicines delivered against the inventory.",
                "Delivery receipts and inspection and acceptance reports.",
                "inspection",
                "Facility storeroom",
                "4.0",
            ),
            (
                "Photograph the facility, its equipment and any defect.",
                "Evidence standards of the audit.",
                "photo_documentation",
                "Facility premises",
                "2.0",
            ),
            (
                "Interview the health staff on staffing, opening hours and services.",
                "DOH service standards for the facility's level.",
                "interview",
                "Facility",
                "3.0",
            ),
            (
                "Survey patients on waiting times, fees and services received.",
                "Universal Health Care Act (RA 11223) entitlements.",
                "survey",
                "Facility waiting area and catchment barangays",
                "8.0",
            ),
        ],
    },
    {
        "name": SOLID_WASTE,
        "kind": "solid_waste",
        "description": (
            "Whether the local government collects, segregates and disposes of solid waste "
            "as the Ecological Solid Waste Management Act requires."
        ),
        "procedures": [
            (
                "Review the 10-year solid waste management plan, collection contracts and "
                "disposal records.",
                "RA 9003 and its IRR; the approved 10-year plan.",
                "document_review",
                "Municipal environment and natural resources office",
                "6.0",
            ),
            (
                "Inspect the materials recovery facilities and the disposal site.",
                "RA 9003 sections 32 and 37 (MRFs; no open dumpsites).",
                "inspection",
                "MRFs and the disposal site",
                "6.0",
            ),
            (
                "Measure the waste collected and diverted over one week.",
                "Diversion target of the approved plan.",
                "measurement",
                "MRF weighing area",
                "10.0",
            ),
            (
                "Photograph collection points, MRFs and the disposal site.",
                "Evidence standards of the audit.",
                "photo_documentation",
                "Sampled barangays",
                "3.0",
            ),
            (
                "Survey households on collection frequency and segregation at source.",
                "RA 9003 section 21 (segregation at source).",
                "survey",
                "Sampled barangays",
                "8.0",
            ),
        ],
    },
    {
        "name": SCHOOL_BUILDING,
        "kind": "school_building",
        "description": (
            "Whether classrooms were built or repaired to plan, on time, and are safe and in use."
        ),
        "procedures": [
            (
                "Review the contract, plans, variation orders and the certificate of completion.",
                "RA 9184; DepEd school building standards.",
                "document_review",
                "Schools division office",
                "6.0",
            ),
            (
                "Measure the classrooms, windows and doors against the plans.",
                "Approved plans; DepEd minimum classroom standards.",
                "measurement",
                "Each new or repaired classroom",
                "6.0",
            ),
            (
                "Inspect roofing, structure, toilets, water and electrical works.",
                "Approved plans and specifications; National Building Code.",
                "inspection",
                "School premises",
                "5.0",
            ),
            (
                "Photograph each classroom and every defect found.",
                "Evidence standards of the audit.",
                "photo_documentation",
                "School premises",
                "2.0",
            ),
            (
                "Interview the principal, teachers and the parent-teacher association.",
                "Project objective: classrooms in use for the enrolment they were built for.",
                "interview",
                "School",
                "4.0",
            ),
        ],
    },
]


def _record_creation(history_model, obj, when) -> None:
    """A migration's models are not tracked: write the creation version by hand."""
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    history_model.objects.create(
        **values, history_date=when, history_type="+", history_change_reason="Seeded"
    )


def seed_pilot_templates(template_model, procedure_model, history_models=None) -> int:
    """Create the pilot templates that are missing (by name); returns how many were made.
    Works with the real models (tracked by simple-history) and with a migration's, given
    `history_models` (the historical template and template procedure models)."""
    from django.utils import timezone

    now = timezone.now()
    made = 0
    for spec in PILOT_TEMPLATES:
        if template_model.objects.filter(name=spec["name"]).exists():
            continue
        template = template_model.objects.create(
            name=spec["name"], kind=spec["kind"], description=spec["description"]
        )
        if history_models:
            _record_creation(history_models[0], template, now)
        for number, (objective, criteria, method, location, hours) in enumerate(
            spec["procedures"], start=1
        ):
            step = procedure_model.objects.create(
                template=template,
                number=number,
                objective=objective,
                criteria=criteria,
                method=method,
                location=location,
                estimated_hours=hours,
            )
            if history_models:
                _record_creation(history_models[1], step, now)
        made += 1
    return made
