"""`manage.py seed_world --scale small|national`: a realistic audit world, written in bulk.

For benchmarks only, into a throw-away database (`make bench` makes one): rows are
written with PostgreSQL `COPY` (SQLite: `executemany`), history rows included, straight
into the tables. That bypasses the services and the history signals on purpose, which
is never done on a real database; the command refuses a database that holds engagements.

The world is the steady state of a national audit institution after three years, as if
the daily job had run every day up to yesterday: agencies in a hierarchy (department →
region → unit), teams of 3–6, most findings issued and answered or deemed accepted,
sanctions matured, final or settled. Named callers for the benchmark have the username
`bench-<caller>` (see `BENCH_CALLERS`).
"""

import datetime
import hashlib
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from audits.choices import (
    EngagementStatus,
    EvidenceKind,
    FindingStatus,
    OrganizationKind,
    RecommendationStatus,
    ResponseKind,
    Role,
    SanctionKind,
    SanctionStatus,
    Severity,
    TeamRole,
)
from audits.models import (
    Engagement,
    EngagementMember,
    Evidence,
    Finding,
    Organization,
    PersonLiable,
    PublishedEvidence,
    Recommendation,
    Response,
    Sanction,
    User,
)
from audits.querysets import PUBLISHED_FINDING_STATUSES


@dataclass(frozen=True)
class Scale:
    departments: int
    regions: int  # per department
    units: int  # per region
    csos: int
    engagements: int
    findings: int  # per engagement
    evidence: int  # per engagement
    users: dict


SCALES = {
    "small": Scale(
        departments=4,
        regions=3,
        units=5,
        csos=5,
        engagements=200,
        findings=20,
        evidence=20,
        users={
            Role.SUPERVISOR: 5,
            Role.AUDITOR: 60,
            Role.CSO_AUDITOR: 20,
            Role.AGENCY_RESPONDENT: 60,
            Role.OVERSIGHT: 3,
        },
    ),
    "national": Scale(
        departments=20,
        regions=17,
        units=30,
        csos=200,
        engagements=20_000,
        findings=20,
        evidence=20,
        users={
            Role.SUPERVISOR: 100,
            Role.AUDITOR: 4_000,
            Role.CSO_AUDITOR: 2_000,
            Role.AGENCY_RESPONDENT: 3_800,
            Role.OVERSIGHT: 100,
        },
    ),
}

BENCH_CALLERS = {
    "supervisor": "bench-supervisor",
    "auditor": "bench-auditor",  # on exactly 10 engagements
    "agency_respondent": "bench-agency",  # a regional office: its units' engagements
    "oversight": "bench-oversight",
    "cso_auditor": "bench-cso",  # a citizen auditor on 3 engagements
}
BENCH_PASSWORD = "bench-password"
YEARS = 3
LINE = "The agency's cash advances of ₱1.2M for the project remain unliquidated. " * 3


class Writer:
    """Appends rows to a table: PostgreSQL `COPY`, SQLite `executemany`. Rows are dicts
    keyed by attname; a field left out gets its default."""

    def __init__(self, model, *, with_pk=True):
        fields = [f for f in model._meta.concrete_fields if with_pk or f is not model._meta.pk]
        self.model = model
        self.fields = fields
        self.defaults = [f.get_default() for f in fields]
        self.table = model._meta.db_table
        self.count = 0

    def write(self, rows):
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        names = [f.attname for f in self.fields]
        pairs = list(zip(names, self.defaults, strict=True))
        if connection.vendor == "postgresql":
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row([row.get(name, default) for name, default in pairs])
                    self.count += 1
            return
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(
                    [
                        f.get_db_prep_save(row.get(name, default), connection)
                        for f, (name, default) in zip(self.fields, pairs, strict=True)
                    ]
                )
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    self.count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                self.count += len(batch)


class HistoryWriter(Writer):
    """Rows of a model's simple-history table: the tracked fields plus `history_*`."""

    def __init__(self, model):
        super().__init__(model.history.model, with_pk=False)


def history_row(row, *, when, kind, reason, user_id=None):
    return {
        **row,
        "history_date": when,
        "history_type": kind,
        "history_change_reason": reason,
        "history_user_id": user_id,
    }


class Command(BaseCommand):
    help = "Fill an empty, throw-away database with a realistic audit world, in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=8)

    def handle(self, *args, scale, seed, **options):
        if Engagement.objects.exists():
            raise CommandError("seed_world only fills an empty database (it bypasses history).")
        started = time.perf_counter()
        world = World(SCALES[scale], random.Random(seed), self.stdout)
        with transaction.atomic():
            world.build()
            self.reset_sequences()
        if connection.vendor == "postgresql":
            # A database in service is autovacuumed: without the visibility map this
            # sets, every index-only scan would still read the table.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"seeded {scale}: {world.summary()} in {time.perf_counter() - started:.0f} s"
        )

    def reset_sequences(self):
        from django.apps import apps

        models = list(apps.get_app_config("audits").get_models())
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class World:
    def __init__(self, scale: Scale, rng: random.Random, out):
        self.scale = scale
        self.rng = rng
        self.out = out
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.written = {}

    def log(self, message):
        self.out.write(f"  {message}")

    def save(self, model, rows, *, with_pk=True):
        writer = Writer(model, with_pk=with_pk)
        writer.write(rows)
        self.written[model._meta.model_name] = writer.count
        self.log(f"{model._meta.model_name}: {writer.count}")

    def summary(self):
        return ", ".join(f"{count} {name}" for name, count in self.written.items())

    def day(self, offset_days):
        return self.today - datetime.timedelta(days=offset_days)

    def at(self, date, hour=9):
        moment = datetime.datetime.combine(date, datetime.time(hour, self.rng.randrange(60)))
        return min(timezone.make_aware(moment), self.now)

    # --- build ------------------------------------------------------------------------

    def build(self):
        self.organizations()
        self.users()
        self.engagements()
        self.findings()
        self.sanctions()

    def organizations(self):
        s = self.scale
        rows, self.units, self.regions, self.csos = [], [], [], []
        self.parents = {}
        created = self.at(self.day(YEARS * 365 + 30))

        def add(name, kind, parent=None, **extra):
            pk = len(rows) + 1
            rows.append({"id": pk, "name": name, "kind": kind, "parent_id": parent, **extra})
            self.parents[pk] = parent
            return pk

        self.sai = add("Commission on Audit", OrganizationKind.SAI, reply_period_days=15)
        self.oversight_org = add("House Committee on Public Accounts", OrganizationKind.AGENCY)
        for d in range(s.departments):
            department = add(f"Department {d + 1}", OrganizationKind.AGENCY)
            for r in range(s.regions):
                region = add(
                    f"Department {d + 1} Region {r + 1}", OrganizationKind.AGENCY, department
                )
                self.regions.append(region)
                for u in range(s.units):
                    self.units.append(
                        add(f"Dept {d + 1} R{r + 1} unit {u + 1}", OrganizationKind.AGENCY, region)
                    )
        for c in range(s.csos):
            lapsed = c % 20 == 19
            self.csos.append(
                add(
                    f"Citizens' Watch {c + 1}",
                    OrganizationKind.CSO,
                    accreditation_number=f"CSO-{c + 1:05d}",
                    accredited_until=self.day(30 if lapsed else -365),
                )
            )
        self.save(Organization, rows)
        self.save_history(Organization, rows, created)

    def save_history(self, model, rows, when, reason="Created"):
        writer = HistoryWriter(model)
        writer.write(history_row(row, when=when, kind="+", reason=reason) for row in rows)
        self.written[f"historical{model._meta.model_name}"] = writer.count

    def users(self):
        s, rng = self.scale, self.rng
        password = make_password(BENCH_PASSWORD)
        rows = []
        self.by_role = {role: [] for role in Role}
        self.respondents_of = {}  # organisation → respondents

        def add(username, role, organization, **extra):
            pk = len(rows) + 1
            rows.append(
                {
                    "id": pk,
                    "username": username,
                    "password": password,
                    "email": f"{username}@example.org",
                    "full_name": username.replace("-", " ").title(),
                    "role": role,
                    "organization_id": organization,
                    "is_active": True,
                    "date_joined": self.now,
                    **extra,
                }
            )
            return pk

        add("bench-admin", Role.SAI_ADMIN, self.sai, is_staff=True, is_superuser=True)
        self.bench = {
            "supervisor": add("bench-supervisor", Role.SUPERVISOR, self.sai),
            "auditor": add("bench-auditor", Role.AUDITOR, self.sai),
            "agency_respondent": add("bench-agency", Role.AGENCY_RESPONDENT, self.regions[0]),
            "oversight": add("bench-oversight", Role.OVERSIGHT, self.oversight_org),
            "cso_auditor": add("bench-cso", Role.CSO_AUDITOR, self.csos[0]),
        }
        agencies = self.units + self.regions
        for role, count in s.users.items():
            for n in range(count):
                if role in (Role.SUPERVISOR, Role.AUDITOR):
                    organization = self.sai
                elif role == Role.CSO_AUDITOR:
                    organization = self.csos[n % len(self.csos)]
                elif role == Role.AGENCY_RESPONDENT:
                    organization = agencies[n % len(agencies)]
                else:
                    organization = self.oversight_org
                pk = add(f"{role}-{n + 1}", role, organization)
                self.by_role[role].append(pk)
                self.respondents_of.setdefault(organization, []).append(pk)
        rng.shuffle(self.by_role[Role.AUDITOR])
        self.save(User, rows)

    def engagements(self):
        s, rng = self.scale, self.rng
        rows, members = [], []
        self.engagement_info = []  # (pk, status, auditee, created date, team leader, team)
        auditors = self.by_role[Role.AUDITOR]
        csos = [u for u in self.by_role[Role.CSO_AUDITOR]]
        bench_auditor_on = set(range(0, s.engagements, s.engagements // 10)[:10])
        bench_cso_on = {s.engagements // 3, s.engagements // 2, s.engagements - 5}
        span = YEARS * 365
        for e in range(s.engagements):
            pk = e + 1
            age = span - (span * e) // s.engagements  # the last ones are the newest
            fraction = e / s.engagements
            status = (
                EngagementStatus.CLOSED
                if fraction < 0.30
                else EngagementStatus.FOLLOW_UP
                if fraction < 0.70
                else EngagementStatus.REPORTING
                if fraction < 0.82
                else EngagementStatus.FIELDWORK
                if fraction < 0.92
                else EngagementStatus.PLANNING
            )
            created = self.at(self.day(age))
            auditee = self.units[rng.randrange(len(self.units))]
            leader = auditors[(e * 7) % len(auditors)]
            rows.append(
                {
                    "id": pk,
                    "reference": f"CPA-{created.year}-{pk:06d}",
                    "title": f"Citizen participatory audit of project {pk}",
                    "subject": "Farm-to-market road, school building and water system projects.",
                    "sai_id": self.sai,
                    "auditee_id": auditee,
                    "status": status,
                    "period_start": datetime.date(created.year - 1, 1, 1),
                    "period_end": datetime.date(created.year - 1, 12, 31),
                    "amount_audited": Decimal(rng.randrange(1_000_000, 500_000_000)),
                    "location": "Region " + str(1 + auditee % 17),
                    "objectives": "Determine whether the projects were completed as contracted.",
                    "created_by_id": self.bench["supervisor"],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            team = [(leader, TeamRole.TEAM_LEADER)]
            for k in range(rng.randrange(1, 5)):
                team.append((auditors[(e * 7 + 1 + k) % len(auditors)], TeamRole.AUDITOR))
            if csos and rng.random() < 0.3:
                team.append((csos[rng.randrange(len(csos))], TeamRole.CSO_AUDITOR))
            if e in bench_auditor_on:
                team.append((self.bench["auditor"], TeamRole.AUDITOR))
            if e in bench_cso_on:
                team.append((self.bench["cso_auditor"], TeamRole.CSO_AUDITOR))
            seen = set()
            for user, role in team:
                if user in seen:
                    continue
                seen.add(user)
                members.append(
                    {
                        "id": len(members) + 1,
                        "engagement_id": pk,
                        "user_id": user,
                        "role": role,
                        "added_by_id": self.bench["supervisor"],
                        "added_at": created,
                    }
                )
            self.engagement_info.append((pk, status, auditee, created, [u for u, _r in team]))
        self.save(Engagement, rows)
        # History: created in planning, then one version per status it went through.
        order = list(EngagementStatus)
        writer = HistoryWriter(Engagement)

        def versions():
            for row in rows:
                reached = order.index(row["status"])
                for step in range(reached + 1):
                    when = row["created_at"] + datetime.timedelta(days=30 * step)
                    yield history_row(
                        {**row, "status": order[step]},
                        when=min(when, self.now),
                        kind="+" if step == 0 else "~",
                        reason="Created" if step == 0 else f"Moved to {order[step]}",
                        user_id=self.bench["supervisor"],
                    )

        writer.write(versions())
        self.written["historicalengagement"] = writer.count
        self.save(EngagementMember, members)
        self.save_history(EngagementMember, members, self.now, reason="Added to the team")
        self.evidence()

    def evidence(self):
        s, rng = self.scale, self.rng
        rows = []
        kinds = list(EvidenceKind)
        for pk, _status, _auditee, created, team in self.engagement_info:
            for i in range(s.evidence):
                evidence_pk = (pk - 1) * s.evidence + i + 1
                when = created + datetime.timedelta(days=20 + i, hours=i)
                digest = hashlib.sha256(str(evidence_pk).encode()).hexdigest()
                rows.append(
                    {
                        "id": evidence_pk,
                        "file": f"evidence/bench/{digest[:2]}/{digest}.jpg",
                        "original_filename": f"IMG_{evidence_pk:07d}.jpg",
                        "sha256": digest,
                        "size": rng.randrange(200_000, 5_000_000),
                        "content_type": "image/jpeg",
                        "engagement_id": pk,
                        "kind": kinds[i % len(kinds)],
                        "description": f"Site photo {i + 1}: the road section at km {i}.",
                        "latitude": Decimal("14.599512"),
                        "longitude": Decimal("120.984222"),
                        "captured_at": min(when, self.now),
                        "preview": "",
                        # a correction now and then: item i supersedes item i-1
                        "supersedes_id": evidence_pk - 1 if i % 10 == 9 else None,
                        "submitted_by_id": team[i % len(team)],
                        "submitted_at": min(when, self.now),
                        "client_reference": "",
                    }
                )
        self.save(Evidence, rows)
        writer = HistoryWriter(Evidence)
        writer.write(
            history_row(row, when=row["submitted_at"], kind="+", reason="Filed") for row in rows
        )
        self.written["historicalevidence"] = writer.count

    def finding_status(self, engagement_status):
        roll = self.rng.random()
        if engagement_status == EngagementStatus.PLANNING:
            return FindingStatus.DRAFT
        if engagement_status == EngagementStatus.FIELDWORK:
            return FindingStatus.DRAFT if roll < 0.6 else FindingStatus.FOR_REVIEW
        if engagement_status == EngagementStatus.REPORTING:
            return (
                FindingStatus.ISSUED
                if roll < 0.7
                else FindingStatus.FOR_REVIEW
                if roll < 0.9
                else FindingStatus.DRAFT
            )
        if engagement_status == EngagementStatus.FOLLOW_UP:
            return FindingStatus.ISSUED if roll < 0.9 else FindingStatus.CLOSED
        return FindingStatus.CLOSED if roll < 0.8 else FindingStatus.ISSUED

    def findings(self):
        s, rng = self.scale, self.rng
        findings, links, recommendations, responses = [], [], [], []
        self.issued_findings = []  # (pk, engagement, issued_on, created)
        severities = list(Severity)
        yesterday = self.day(1)
        finding_history = HistoryWriter(Finding)
        history = []
        for engagement, e_status, auditee, created, team in self.engagement_info:
            respondents = (
                self.respondents_of.get(auditee) or self.by_role[Role.AGENCY_RESPONDENT][:1]
            )
            for i in range(s.findings):
                pk = (engagement - 1) * s.findings + i + 1
                status = self.finding_status(e_status)
                made = created + datetime.timedelta(days=10 + i)
                made = min(made, self.now)
                issued_on = response_due = deemed = None
                published = status in (FindingStatus.ISSUED, FindingStatus.CLOSED)
                commented = False
                if published:
                    issued_on = min(made.date() + datetime.timedelta(days=40), self.today)
                    response_due = issued_on + datetime.timedelta(days=15)
                    commented = rng.random() < 0.85
                    if not commented and response_due < yesterday:
                        deemed = response_due + datetime.timedelta(days=1)
                row = {
                    "id": pk,
                    "engagement_id": engagement,
                    "reference": f"AOM-{engagement}-{i + 1:02d}",
                    "title": f"Unliquidated cash advances ({i + 1})",
                    "condition": LINE,
                    "criteria": "COA Circular 97-002: liquidate within 20 days.",
                    "cause": "No monitoring of due dates.",
                    "effect": "Cash advances overstated.",
                    "severity": severities[i % len(severities)],
                    "amount": Decimal(rng.randrange(10_000, 5_000_000)),
                    "status": status,
                    "issued_on": issued_on,
                    "response_due": response_due,
                    "deemed_accepted_on": deemed,
                    "created_by_id": team[0],
                    "created_at": made,
                    "updated_at": made,
                }
                findings.append(row)
                self.finding_history(history, row, team[0])
                evidence_pk = (engagement - 1) * s.evidence + (i % s.evidence) + 1
                links.append({"finding_id": pk, "evidence_id": evidence_pk})
                if i % 2 == 0 and s.evidence > 1:
                    other = (engagement - 1) * s.evidence + ((i + 1) % s.evidence) + 1
                    links.append({"finding_id": pk, "evidence_id": other})
                for _k in range(1 if rng.random() < 0.4 else 2):
                    recommendations.append(
                        {
                            "id": len(recommendations) + 1,
                            "finding_id": pk,
                            "engagement_id": engagement,
                            "text": "Liquidate the advances and monitor due dates monthly.",
                            "status": RecommendationStatus.IMPLEMENTED
                            if status == FindingStatus.CLOSED
                            else RecommendationStatus.NOT_IMPLEMENTED
                            if rng.random() < 0.6
                            else RecommendationStatus.ONGOING,
                            "target_date": issued_on,
                            "created_at": made,
                            "updated_at": made,
                        }
                    )
                if published:
                    self.issued_findings.append((pk, engagement, issued_on, made))
                    author = respondents[i % len(respondents)]
                    if commented:
                        replied = issued_on + datetime.timedelta(days=rng.randrange(1, 15))
                        responses.append(self.response(pk, engagement, author, replied, True))
                    if rng.random() < 0.3:
                        planned = issued_on + datetime.timedelta(days=20)
                        responses.append(self.response(pk, engagement, author, planned, False))
            if len(history) > 100_000:
                finding_history.write(history)
                history = []
        finding_history.write(history)
        self.save(Finding, findings)
        self.written["historicalfinding"] = finding_history.count
        del findings
        self.save(Finding.evidence.through, links, with_pk=False)
        self.index_published_evidence()
        self.save(Recommendation, recommendations)
        self.save_history(Recommendation, recommendations, self.now, reason="Recommendation added")
        del recommendations
        responses = [r for r in responses if r["created_at"] <= self.now]
        for number, row in enumerate(responses, start=1):
            row["id"] = number
        self.save(Response, responses)
        self.save_history(Response, responses, self.now, reason="Response posted")

    def index_published_evidence(self):
        """What the findings services write on issue (see PublishedEvidence): read into
        a list first, as a COPY holds the connection."""
        links = Finding.evidence.through.objects.filter(
            finding__status__in=PUBLISHED_FINDING_STATUSES
        )
        published = list(
            links.values_list("evidence_id", "evidence__submitted_at").order_by().distinct()
        )
        self.save(
            PublishedEvidence,
            ({"evidence_id": pk, "submitted_at": at} for pk, at in published),
        )

    def response(self, finding, engagement, author, day, comment):
        return {
            "finding_id": finding,
            "engagement_id": engagement,
            "recommendation_id": None,
            "kind": ResponseKind.MANAGEMENT_COMMENT if comment else ResponseKind.ACTION_PLAN,
            "body": "The advances were liquidated on receipt of this memorandum; see annexes.",
            "author_id": author,
            "created_at": self.at(day, hour=10),
        }

    def finding_history(self, history, row, user):
        steps = [FindingStatus.DRAFT]
        if row["status"] != FindingStatus.DRAFT:
            steps.append(FindingStatus.FOR_REVIEW)
        if row["issued_on"] is not None:
            steps.append(FindingStatus.ISSUED)
        if row["status"] == FindingStatus.CLOSED:
            steps.append(FindingStatus.CLOSED)
        for step, status in enumerate(steps):
            published = status in (FindingStatus.ISSUED, FindingStatus.CLOSED)
            when = row["created_at"] + datetime.timedelta(days=10 * step)
            history.append(
                history_row(
                    {
                        **row,
                        "status": status,
                        "issued_on": row["issued_on"] if published else None,
                        "response_due": row["response_due"] if published else None,
                        "deemed_accepted_on": None,
                    },
                    when=min(when, self.now),
                    kind="+" if step == 0 else "~",
                    reason="Drafted" if step == 0 else f"Moved to {status}",
                    user_id=user,
                )
            )
        if row["deemed_accepted_on"] is not None:
            when = self.at(row["deemed_accepted_on"], hour=1)
            history.append(
                history_row(row, when=when, kind="~", reason="No reply: deemed accepted")
            )

    def sanctions(self):
        rng = self.rng
        rows, liable = [], []
        yesterday = self.day(1)
        wanted = self.scale.engagements * 5 // 2
        step = max(1, len(self.issued_findings) // wanted)
        for finding, engagement, issued_on, _made in self.issued_findings[::step][:wanted]:
            pk = len(rows) + 1
            roll = rng.random()
            kind = (
                SanctionKind.SUSPENSION
                if roll < 0.4
                else SanctionKind.DISALLOWANCE
                if roll < 0.85
                else SanctionKind.CHARGE
            )
            sanction_issued = min(issued_on + datetime.timedelta(days=30), self.today)
            received = min(sanction_issued + datetime.timedelta(days=3), self.today)
            row = {
                "id": pk,
                "finding_id": finding,
                "engagement_id": engagement,
                "kind": kind,
                "reference": f"{'NS' if roll < 0.4 else 'ND'}-{pk:07d}",
                "amount": Decimal(rng.randrange(10_000, 2_000_000)),
                "issued_on": sanction_issued,
                "received_on": received,
                "status": SanctionStatus.ISSUED,
                "settle_by": None,
                "appeal_by": None,
                "matured_from_id": None,
                "issued_by_id": self.bench["supervisor"],
                "created_at": self.at(sanction_issued),
                "updated_at": self.at(sanction_issued),
            }
            if kind == SanctionKind.SUSPENSION:
                row["settle_by"] = received + datetime.timedelta(days=90)
                if row["settle_by"] < yesterday:
                    row["status"] = SanctionStatus.SETTLED
            else:
                row["appeal_by"] = received + datetime.timedelta(days=182)
                if row["appeal_by"] < yesterday:
                    row["status"] = (
                        SanctionStatus.FINAL if rng.random() < 0.8 else SanctionStatus.APPEALED
                    )
            rows.append(row)
            liable.append(
                {
                    "id": pk,
                    "sanction_id": pk,
                    "name": f"Accountable officer {pk}",
                    "position": "Disbursing officer",
                    "share_percent": Decimal(100),
                }
            )
        self.save(Sanction, rows)
        writer = HistoryWriter(Sanction)

        def versions():
            for row in rows:
                first = {**row, "status": SanctionStatus.ISSUED}
                yield history_row(first, when=row["created_at"], kind="+", reason="Issued")
                if row["status"] != SanctionStatus.ISSUED:
                    due = row["settle_by"] or row["appeal_by"]
                    yield history_row(
                        row, when=self.at(due, hour=1), kind="~", reason=f"{row['status']}"
                    )

        writer.write(versions())
        self.written["historicalsanction"] = writer.count
        self.save(PersonLiable, liable)
        self.save_history(PersonLiable, liable, self.now, reason="Issued")
