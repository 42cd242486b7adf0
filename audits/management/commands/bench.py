"""`make bench`: what each request costs, beside the raw baseline for the same rows.

Runs in a throw-away database (`test_<NAME>_bench_<scale>`, never the configured one),
seeded by `seed_world` when empty and kept with `--keep` for the next run. For every
read it measures the API (in-process test client, page of 50) and a hand-written
baseline: the same rows, under the same caller's visibility, fetched with one
`values()` query and `json.dumps`. The figure is the ratio. Then writes, the daily
deadline run, and (PostgreSQL, `--load-seconds`) a mixed workload against gunicorn from
a separate load process. Results are merged into `benchmarks/results.json` and
`benchmarks/RESULTS.md` is rewritten from it. Numbers are printed, never asserted.
"""

import datetime
import io
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from audits.choices import EngagementStatus, FindingStatus, TeamRole
from audits.management.commands.seed_world import BENCH_CALLERS
from audits.models import (
    Engagement,
    EngagementMember,
    Evidence,
    Finding,
    Organization,
    Recommendation,
    Response,
    Sanction,
    User,
)
from audits.querysets import (
    AGENCY_VISIBLE_STATUSES,
    OVERSIGHT_VISIBLE_STATUSES,
    PUBLISHED_FINDING_STATUSES,
)
from audits.services import findings as finding_services
from audits.services.scheduler import run_daily
from security.services.tokens import token_create

ROOT = Path(__file__).resolve().parents[3]
RESULTS_DIR = ROOT / "benchmarks"
PAGE = 50
LISTS = {
    "engagements": Engagement,
    "findings": Finding,
    "recommendations": Recommendation,
    "responses": Response,
    "sanctions": Sanction,
    "evidence": Evidence,
}


class Rollback(Exception):
    pass


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


# --- the raw baseline: visibility written by hand, one values() query -----------------


def raw_engagements(caller, user):
    """The engagements `caller` may read in full, and those whose issued part only."""
    engagements = Engagement.objects.all()
    if caller == "supervisor":
        return engagements.filter(sai_id=user.organization_id), None
    if caller in ("auditor", "cso_auditor"):
        mine = EngagementMember.objects.filter(user=user, engagement=OuterRef("pk"))
        return engagements.filter(Exists(mine)), None
    if caller == "agency_respondent":
        below = list(
            Organization.objects.subtree_of(user.organization_id).values_list("pk", flat=True)
        )
        return None, engagements.filter(auditee_id__in=below, status__in=AGENCY_VISIBLE_STATUSES)
    return None, engagements.filter(status__in=OVERSIGHT_VISIBLE_STATUSES)


def raw_rows(model, caller, user):
    full, published = raw_engagements(caller, user)
    if model is Engagement:
        return full if full is not None else published
    if full is not None:
        return model.objects.filter(engagement_id__in=full.values("pk"))
    rows = model.objects.filter(engagement_id__in=published.values("pk"))
    if model is Finding:
        return rows.filter(status__in=PUBLISHED_FINDING_STATUSES)
    if model is Evidence:
        linked = Finding.evidence.through.objects.filter(
            evidence_id=OuterRef("pk"), finding__status__in=PUBLISHED_FINDING_STATUSES
        )
        return rows.filter(Exists(linked))
    return rows.filter(finding__status__in=PUBLISHED_FINDING_STATUSES)


def raw_page(model, caller, user, *, filters=None, ordering=None, page=1):
    rows = raw_rows(model, caller, user).filter(**(filters or {}))
    rows = rows.order_by(*(ordering or model._meta.ordering))
    columns = [f.attname for f in model._meta.concrete_fields]
    start = (page - 1) * PAGE
    return json.dumps(list(rows.values(*columns)[start : start + PAGE]), default=str)


# --- the command ----------------------------------------------------------------------


class Command(BaseCommand):
    help = "Measure every list, writes, the daily run and a mixed load, against a raw baseline."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument("--repeat", type=int, default=15, help="timed runs per request")
        parser.add_argument("--keep", action="store_true", help="keep the seeded database")
        parser.add_argument("--load-seconds", type=int, default=20, help="0: no load run")
        parser.add_argument("--only", default="", help="comma-separated list names to run")
        parser.add_argument("--output", default=str(RESULTS_DIR / "results.json"))

    def handle(self, *args, scale, repeat, keep, load_seconds, only, output, **options):
        self.scale, self.repeat, self.results = scale, repeat, []
        self.only = {name for name in only.split(",") if name}
        self.database = connection.vendor
        old_name = connection.settings_dict["NAME"]
        test = connection.settings_dict.setdefault("TEST", {})
        if self.database == "postgresql":
            test["NAME"] = f"test_{old_name}_bench_{scale}"
        else:
            test["NAME"] = str(ROOT / "data" / f"bench_{scale}.sqlite3")
            (ROOT / "data").mkdir(exist_ok=True)
        started = time.perf_counter()
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=keep, serialize=False
        )
        try:
            if not Engagement.objects.exists():
                call_command("seed_world", scale=scale, stdout=self.stdout)
                self.stdout.write(f"seeding took {time.perf_counter() - started:.0f} s")
            media = tempfile.mkdtemp(prefix="bench-media-")
            storages = {
                **settings.STORAGES,
                "evidence": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": media, "base_url": None},
                },
            }
            try:
                with override_settings(STORAGES=storages, MEDIA_ROOT=media):
                    self.run()
                    if load_seconds and self.database == "postgresql" and not self.only:
                        self.under_load(load_seconds, media)
            finally:
                shutil.rmtree(media, ignore_errors=True)
        finally:
            if not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.save(Path(output))

    # --- measuring ------------------------------------------------------------------

    def record(self, name, caller, timings, queries, baseline=None, **extra):
        p50 = statistics.median(timings)
        row = {
            "name": name,
            "caller": caller,
            "scale": self.scale,
            "database": self.database,
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "queries": queries,
            "baseline_p50_ms": round(baseline, 2) if baseline is not None else None,
            "ratio": round(p50 / baseline, 2) if baseline else None,
            **extra,
        }
        self.results.append(row)
        ratio = f"{row['ratio']:>6.2f}x" if row["ratio"] else ""
        base = f"{row['baseline_p50_ms']:>8.1f}" if baseline is not None else " " * 8
        self.stdout.write(
            f"{name:<34} {caller:<18} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} "
            f"{str(queries):>4} {base} {ratio}"
        )

    def timed(self, call, warmup=2):
        for _ in range(warmup):
            call()
        timings = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    def get(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code} {response.content[:300]}")
        return response

    def read(self, name, caller, user, url, baseline):
        client = APIClient()
        client.force_authenticate(user)
        self.get(client, url)
        captured = captured_queries(lambda: self.get(client, url))
        timings = self.timed(lambda: self.get(client, url))
        base = statistics.median(self.timed(baseline)) if baseline else None
        self.record(name, caller, timings, len(captured), base, sql_ms=server_time(captured))
        return client

    def run(self):
        self.stdout.write(
            f"{'request':<34} {'caller':<18} {'p50 ms':>9} {'p95 ms':>9} {'sql':>4} "
            f"{'raw ms':>8} ratio"
        )
        callers = {
            caller: User.objects.select_related("organization").get(username=username)
            for caller, username in BENCH_CALLERS.items()
        }
        # The stack's own cost: the cheapest authenticated request, one row, no list.
        self.read("floor: users/me", "auditor", callers["auditor"], "/api/v1/users/me/", None)
        for caller, user in callers.items():
            self.reads(caller, user)
        if not self.only:
            self.writes()
            self.deadlines()

    def reads(self, caller, user):
        for name, model in LISTS.items():
            if self.only and name not in self.only:
                continue
            self.read(
                f"list {name}",
                caller,
                user,
                f"/api/v1/{name}/?page_size={PAGE}",
                lambda model=model: raw_page(model, caller, user),
            )
        if self.only and "findings" not in self.only:
            return
        for path in ("organizations", "users"):
            if not self.only:
                self.read(f"list {path}", caller, user, f"/api/v1/{path}/?page_size={PAGE}", None)
        visible = raw_rows(Finding, caller, user)
        filters = {"status": FindingStatus.ISSUED, "severity": "high"}
        self.read(
            "findings ?status=issued&severity=high",
            caller,
            user,
            f"/api/v1/findings/?page_size={PAGE}&status=issued&severity=high",
            lambda: raw_page(Finding, caller, user, filters=filters),
        )
        self.read(
            "findings ?ordering=-response_due",
            caller,
            user,
            f"/api/v1/findings/?page_size={PAGE}&ordering=-response_due",
            lambda: raw_page(Finding, caller, user, ordering=["-response_due", "-pk"]),
        )
        pages = max(1, math.ceil(visible.count() / PAGE))
        deep = min(pages, 200)
        self.read(
            f"findings page {deep}",
            caller,
            user,
            f"/api/v1/findings/?page_size={PAGE}&page={deep}",
            lambda: raw_page(Finding, caller, user, page=deep),
        )
        finding = visible.order_by("-pk").first()
        columns = [f.attname for f in Finding._meta.concrete_fields]
        self.read(
            "finding detail",
            caller,
            user,
            f"/api/v1/findings/{finding.pk}/",
            lambda: json.dumps(list(visible.filter(pk=finding.pk).values(*columns)), default=str),
        )
        history = Finding.history.model.objects.filter(id=finding.pk).order_by("-history_date")
        self.read(
            "finding history",
            caller,
            user,
            f"/api/v1/findings/{finding.pk}/history/",
            lambda: json.dumps(list(history.values()), default=str),
        )

    def writes(self):
        engagement = writing_engagement()
        # The team leader drafts and submits (a submission is the leader's move).
        auditor = engagement.members.get(role=TeamRole.TEAM_LEADER).user
        client = APIClient()
        client.force_authenticate(auditor)
        created = []

        def create():
            response = client.post(
                "/api/v1/findings/",
                {
                    "engagement": engagement.pk,
                    "title": "Overpriced school chairs",
                    "condition": "Chairs bought at twice the market price.",
                    "criteria": "RA 9184: the approved budget for the contract is the ceiling.",
                    "cause": "No market survey before the purchase.",
                    "effect": "PHP 1.2 million paid above the market price.",
                    "severity": "high",
                },
            )
            assert response.status_code == 201, response.content
            created.append(response.json()["id"])

        queries = count_queries(create)
        self.record("finding create", "auditor", self.timed(create), queries)
        edited = Finding.objects.get(pk=created.pop(0))
        while len(created) < self.repeat + 3:  # one draft per timed transition
            create()
        for pk in created:  # a finding goes for review only with a recommendation
            response = client.post(
                "/api/v1/recommendations/",
                {"finding": pk, "text": "Recover the excess from the supplier."},
            )
            assert response.status_code == 201, response.content

        def transition():
            pk = created.pop()
            response = client.post(f"/api/v1/findings/{pk}/transition/", {"to": "for_review"})
            assert response.status_code == 200, response.content

        queries = count_queries(transition)
        self.record("finding transition", "auditor", self.timed(transition), queries)

        photo = five_megabyte_jpeg()

        uploads, run = iter(range(10**6)), os.urandom(8).hex()  # a kept database has older ones

        def upload():
            response = client.post(
                "/api/v1/evidence/",
                {
                    "engagement": engagement.pk,
                    "kind": "photo",
                    "file": io.BytesIO(with_comment(photo, f"upload {run} {next(uploads)}")),
                },
                format="multipart",
            )
            assert response.status_code == 201, response.content

        queries = count_queries(upload)
        self.record("evidence upload 5 MB", "auditor", self.timed(upload, warmup=1), queries)

        # A tracked save through its service against a plain save() of the same row.
        finding = edited
        counter = iter(range(10**6))

        def service_save():
            finding_services.finding_update(
                finding, by=auditor, change_reason="bench", title=f"Title {next(counter)}"
            )

        def plain_save():
            finding.title = f"Title {next(counter)}"
            finding.save()

        plain = statistics.median(self.timed(plain_save))
        queries = count_queries(service_save)
        self.record(
            "finding_update service vs save()", "auditor", self.timed(service_save), queries, plain
        )

    def deadlines(self):
        timings, queries, mails = [], 0, 0
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for _ in range(3):
                mail.outbox = []
                connection.queries_log.clear()
                try:
                    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        summary = run_daily(today=timezone.localdate())
                        timings.append((time.perf_counter() - started) * 1000)
                        queries, mails = len(captured), len(mail.outbox)
                        raise Rollback
                except Rollback:
                    pass
        self.record(
            "run_deadlines",
            "system",
            timings,
            queries,
            emails=mails,
            findings_lapsed=summary.findings_lapsed,
            sanctions_moved=len(summary.suspensions_matured) + len(summary.sanctions_finalised),
        )

    # --- under load ------------------------------------------------------------------

    def under_load(self, seconds, media):
        tokens = {
            caller: token_create(user=User.objects.get(username=username))[1]
            for caller, username in BENCH_CALLERS.items()
        }
        engagement = writing_engagement()
        leader = engagement.members.get(role=TeamRole.TEAM_LEADER).user
        tokens["auditor"] = token_create(user=leader)[1]
        finding = Finding.objects.filter(engagement=engagement, status=FindingStatus.DRAFT).first()
        # gunicorn reads this database through its own connections: commit what we made.
        connection.commit() if not connection.get_autocommit() else None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": media,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        workers = 2 * (os.cpu_count() or 1)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backend.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--preload",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for_port(port)
            warm_up(port, tokens["auditor"], requests=4 * workers)
            spec = {
                "base": f"http://127.0.0.1:{port}",
                "tokens": tokens,
                "engagement": engagement.pk,
                "finding": finding.pk,
            }
            for mode in ("trivial", "mixed"):
                outcome = json.loads(
                    subprocess.run(
                        [
                            sys.executable,
                            str(RESULTS_DIR / "load.py"),
                            "--seconds",
                            str(seconds),
                            "--mode",
                            mode,
                            "--spec",
                            json.dumps(spec),
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                )
                self.results.append(
                    {
                        "name": f"load {mode}",
                        "caller": "mixed" if mode == "mixed" else "auditor",
                        "scale": self.scale,
                        "database": self.database,
                        "p50_ms": outcome["p50_ms"],
                        "p95_ms": outcome["p95_ms"],
                        "queries": None,
                        "baseline_p50_ms": None,
                        "ratio": None,
                        "rps": outcome["rps"],
                        "errors": outcome["errors"],
                        "requests": outcome["requests"],
                        "workers": workers,
                        "seconds": seconds,
                    }
                )
                self.stdout.write(
                    f"load {mode:<29} {outcome['rps']:>7.1f} rps, p95 {outcome['p95_ms']} ms, "
                    f"{outcome['errors']} errors in {outcome['requests']} requests"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

    # --- output ----------------------------------------------------------------------

    def save(self, path):
        previous = json.loads(path.read_text()) if path.exists() else []
        if self.only:  # a partial run replaces only the rows it measured
            fresh = {(r["name"], r["caller"], r["scale"], r["database"]) for r in self.results}
            kept = [
                r
                for r in previous
                if (r["name"], r["caller"], r["scale"], r["database"]) not in fresh
            ]
        else:  # a whole run replaces its scale and database (no stale deep-page rows)
            kept = [
                r for r in previous if (r["scale"], r["database"]) != (self.scale, self.database)
            ]
        rows = kept + self.results
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(rows, indent=1) + "\n")
        (path.parent / "RESULTS.md").write_text(results_markdown(rows))
        self.stdout.write(f"wrote {path} and RESULTS.md")


def captured_queries(call) -> list[dict]:
    connection.queries_log.clear()  # a full log (a bounded deque) would count nothing
    with CaptureQueriesContext(connection) as captured:
        call()
    return captured.captured_queries


def count_queries(call) -> int:
    return len(captured_queries(call))


def server_time(queries) -> float | None:
    """What PostgreSQL spends on a read's queries, planning included: each one run again
    under `EXPLAIN (ANALYZE)` as it was sent. The rest of a request's time is Python."""
    if connection.vendor != "postgresql":
        return None
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            (plan,) = cursor.fetchone()[0]  # psycopg reads the JSON: one plan per query
            total += plan["Planning Time"] + plan["Execution Time"]
    return round(total, 2)


def writing_engagement():
    """An engagement where findings are still drafted, with none of the measured callers
    on its team: what a run writes (its own drafts and the load's, a few hundred) then
    never grows the lists that the next run on a kept database measures for them."""
    measured = EngagementMember.objects.filter(user__username__in=BENCH_CALLERS.values())
    return (
        Engagement.objects.filter(
            status__in=[EngagementStatus.FIELDWORK, EngagementStatus.REPORTING],
            members__role=TeamRole.TEAM_LEADER,
        )
        .exclude(pk__in=measured.values("engagement_id"))
        .order_by("pk")
        .first()
    )


def wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def warm_up(port, token, requests):
    """Until every worker has answered: the load run measures serving, not booting."""
    import http.client

    for _ in range(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/api/v1/users/me/", headers={"Authorization": f"Token {token}"})
        conn.getresponse().read()
        conn.close()


def five_megabyte_jpeg() -> bytes:
    """A real photo-sized JPEG of noise (incompressible), about 5 MB."""
    from PIL import Image

    image = Image.effect_noise((1600, 1400), 120).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=97)
    data = out.getvalue()
    return data


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The same photo with a JPEG comment segment: other bytes, so not a duplicate."""
    payload = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def results_markdown(rows) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {datetime.date.today().isoformat()}; machine: {machine()}.",
        "Figures vary with what else runs on the machine: run it on a quiet one.",
        "",
        "`ratio` = API p50 / raw baseline p50 (the same rows, the same caller's visibility,",
        "one hand-written `values()` query + `json.dumps`). `SQL` = PostgreSQL's planning",
        "and execution time of the read's queries (`EXPLAIN (ANALYZE)` of each as sent);",
        "the rest of p50 is Python. Times in ms, page of 50.",
        "",
        "| request | caller | scale | db | p50 | p95 | queries | SQL | raw p50 | ratio |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(value):
        return "" if value is None else str(value)

    for r in rows:
        lines.append(
            f"| {r['name']} | {r['caller']} | {r['scale']} | {r['database']} | "
            f"{cell(r['p50_ms'])} | {cell(r['p95_ms'])} | {cell(r['queries'])} | "
            f"{cell(r.get('sql_ms'))} | {cell(r['baseline_p50_ms'])} | {cell(r['ratio'])} |"
        )
    growth = []
    by_key = {(r["name"], r["caller"], r["database"], r["scale"]): r for r in rows}
    for (name, caller, database, scale), r in by_key.items():
        small = by_key.get((name, caller, database, "small"))
        if scale == "national" and small and name.startswith("list ") and small["p50_ms"]:
            growth.append(
                f"| {name} | {caller} | {database} | {small['p50_ms']} | {r['p50_ms']} | "
                f"{r['p50_ms'] / small['p50_ms']:.2f} |"
            )
    if growth:
        lines += [
            "",
            "## Growth (p50, national / small)",
            "",
            "| list | caller | db | small | national | growth |",
            "|---|---|---|---:|---:|---:|",
            *growth,
        ]
    load = [r for r in rows if r["name"].startswith("load ")]
    if load:
        lines += [
            "",
            "## Under load (gunicorn on loopback, separate load process)",
            "",
            "| workload | scale | workers | seconds | requests | rps | p50 | p95 | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in load:
            lines.append(
                f"| {r['name']} | {r['scale']} | {r['workers']} | {r['seconds']} | "
                f"{r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['errors']} |"
            )
    other = [r for r in rows if "emails" in r]
    for r in other:
        lines.append("")
        lines.append(
            f"`run_deadlines` ({r['scale']}, {r['database']}): {r['p50_ms']} ms, "
            f"{r['queries']} queries, {r['emails']} e-mails, {r['findings_lapsed']} findings "
            f"lapsed, {r['sanctions_moved']} sanctions moved."
        )
    return "\n".join(lines) + "\n"
