"""The benchmark's own measuring helpers (`make bench` itself is run by hand)."""

import pytest
from django.db import connection

from audits.management.commands.bench import captured_queries, results_markdown, server_time
from audits.models import Engagement

pytestmark = pytest.mark.django_db


def test_server_time_is_what_postgresql_spent_on_the_queries():
    queries = captured_queries(lambda: list(Engagement.objects.all()[:5]))
    assert len(queries) == 1
    spent = server_time(queries)
    if connection.vendor == "postgresql":
        assert spent > 0
    else:
        assert spent is None


def test_the_results_table_shows_the_server_time_column():
    row = {
        "name": "list findings",
        "caller": "oversight",
        "scale": "national",
        "database": "postgresql",
        "p50_ms": 10.0,
        "p95_ms": 12.0,
        "queries": 4,
        "sql_ms": 2.5,
        "baseline_p50_ms": 2.0,
        "ratio": 5.0,
    }
    table = results_markdown([row])
    assert (
        "| list findings | oversight | national | postgresql | 10.0 | 12.0 | 4 | 2.5 | 2.0 | 5.0 |"
        in table
    )
