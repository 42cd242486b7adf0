"""Every template shows money with `peso` and dates with `date_time`/`month_time`
(audits/templatetags/audit_ui.py), so one format holds on every page: this test finds a
template that formats money or a date by hand."""

import re
from pathlib import Path

from django.conf import settings

HAND_FORMATTING = re.compile(
    r"\|\s*intcomma"  # money without the ₱: use |peso
    r"|\|\s*floatformat\s*:\s*[\"']?2"  # two decimals, so money: ditto
    r"|\|\s*date\s*:"  # a date format of its own: use {% date_time %}
    r"|\.isoformat\b"  # a <time> written by hand: use {% date_time %}
    r"|<time\b"  # ditto
)
PROJECT_APPS = ["audits", "grievances", "programme", "reports", "security", "api"]


def project_templates():
    base = Path(settings.BASE_DIR)
    for app in PROJECT_APPS:
        yield from sorted((base / app).glob("templates/**/*.html"))
        yield from sorted((base / app).glob("templates/**/*.txt"))


def test_no_template_formats_money_or_dates_by_hand():
    offenders = []
    for path in project_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HAND_FORMATTING.search(line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert not offenders, "use |peso and {% date_time %}:\n" + "\n".join(offenders)


def test_the_check_sees_templates():
    assert sum(1 for _path in project_templates()) > 40
