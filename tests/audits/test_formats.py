"""Money, dates and status words read the same on every page (audits/display.py, the
`peso` filter and `date_time` tag), required fields are marked alike, and messages say
what happened in plain words."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from audits.choices import FindingStatus
from audits.forms.sanctions import PaymentForm
from audits.services.findings import finding_transition
from tests.audits.test_views_sanctions import issue_sanction
from tests.findings_setup import make_finding
from tests.world import build_world


def render(source: str, **context) -> str:
    return Template("{% load audit_ui %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("2150000"), "₱2,150,000.00"),
        (Decimal("2150000.5"), "₱2,150,000.50"),
        (Decimal("0.004"), "₱0.00"),
        (Decimal("999.995"), "₱1,000.00"),
        (1234, "₱1,234.00"),
        ("1234567.891", "₱1,234,567.89"),
        (Decimal("-30000"), "-₱30,000.00"),
        (None, ""),
        ("", ""),
        ("not a number", ""),
    ],
)
def test_peso_filter(amount, expected):
    assert render("{{ amount|peso }}", amount=amount) == expected


def test_peso_filter_groups_the_same_in_filipino():
    with translation.override("fil"):
        assert render("{{ amount|peso }}", amount=Decimal("2150000")) == "₱2,150,000.00"


def test_peso_filter_writes_another_currency_as_its_code():
    assert render("{{ amount|peso:'USD' }}", amount=Decimal("1000")) == "USD 1,000.00"
    assert render("{{ amount|peso:'PHP' }}", amount=Decimal("1000")) == "₱1,000.00"


def test_date_time_tag_for_a_date():
    html = render("{% date_time value %}", value=datetime.date(2026, 12, 11))
    assert html == '<time datetime="2026-12-11">11 December 2026</time>'


def test_date_time_tag_shows_a_moment_in_manila_time():
    moment = datetime.datetime(2026, 12, 11, 6, 5, tzinfo=datetime.UTC)  # 14:05 in Manila
    html = render("{% date_time value %}", value=moment)
    assert html == '<time datetime="2026-12-11T14:05:00+08:00">11 December 2026, 14:05</time>'
    # "date" keeps only the day, of Manila: 23:30 UTC is already the next day there.
    late = datetime.datetime(2026, 12, 10, 23, 30, tzinfo=datetime.UTC)
    assert render('{% date_time value "date" %}', value=late) == (
        '<time datetime="2026-12-11">11 December 2026</time>'
    )


def test_date_time_tag_in_filipino_names_the_month_in_filipino():
    with translation.override("fil"):
        html = render("{% date_time value %}", value=datetime.date(2026, 12, 11))
    assert html == '<time datetime="2026-12-11">11 Disyembre 2026</time>'


def test_month_time_tag():
    assert render('{% month_time "2026-03" %}') == '<time datetime="2026-03">March 2026</time>'
    with translation.override("fil"):
        html = render("{% month_time value %}", value=datetime.date(2026, 12, 11))
    assert html == '<time datetime="2026-12">Disyembre 2026</time>'


def test_date_time_tag_and_date_text_show_nothing_for_no_date():
    assert render("{% date_time value %}", value=None) == ""
    assert render("{{ value|date_text }}", value=None) == ""
    assert render("{{ value|date_text }}", value=datetime.date(2026, 1, 2)) == "2 January 2026"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


def test_ledger_page_shows_money_in_pesos_and_dates_in_time_elements(client, world):
    finding = make_finding(world, FindingStatus.ISSUED, amount="3000000")
    received = timezone.localdate()
    sanction = issue_sanction(world, finding, amount=Decimal("2150000.00"), received_on=received)
    client.force_login(world.users["team_auditor"])
    html = client.get(reverse("sanction-detail", args=[sanction.pk])).content.decode()
    assert "₱2,150,000.00" in html
    assert "₱1,290,000.00" in html  # Juan dela Cruz's 60 per cent share
    day = f"{received.day} {received:%B} {received.year}"
    assert f'<time datetime="{received.isoformat()}">{day}</time>' in html
    # The ledger table turns into labelled cards on a phone.
    assert 'class="ledger stack"' in html and 'data-label="Balance"' in html
    assert "floatformat" not in html and "PHP 2" not in html


def test_finding_page_shows_amount_in_pesos(client, world):
    finding = make_finding(world, FindingStatus.ISSUED, amount="2150000")
    client.force_login(world.users["team_auditor"])
    html = client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert "₱2,150,000.00" in html


def test_version_table_shows_status_words_not_codes(client, world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW, title="Overpriced cement")
    finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)
    client.force_login(world.users["supervisor"])
    html = client.get(reverse("finding-history", args=[finding.pk])).content.decode()
    assert '<td data-label="Status" class="status">Issued</td>' in html
    assert "for_review → issued" not in html
    assert "→" not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_a_reason_someone_typed_stays_in_the_version_table(client, world):
    finding = make_finding(world, FindingStatus.ISSUED, title="Overpriced cement")
    finding_transition(
        finding, by=world.users["supervisor"], to=FindingStatus.CLOSED, reason="Settled in full"
    )
    client.force_login(world.users["supervisor"])
    html = client.get(reverse("finding-history", args=[finding.pk])).content.decode()
    assert "Settled in full" in html and ">Closed</td>" in html


def test_required_fields_are_marked_the_same_way_with_one_explaining_line():
    html = PaymentForm().render(template_name="audits/_form_fields.html")
    assert html.count('<span class="required-marker" aria-hidden="true">*</span>') >= 3
    assert html.count("marks a required field.") == 1
    assert re.search(r'<input[^>]*name="amount"[^>]*required', html)


def test_finding_editor_and_grievance_form_mark_required_fields(client, world):
    client.force_login(world.users["team_leader"])
    editor = client.get(reverse("finding-new", args=[world.engagement.pk])).content.decode()
    assert "required-marker" in editor and "marks a required field." in editor
    client.logout()
    grievance = client.get(reverse("grievance-new")).content.decode()
    assert grievance.count("marks a required field.") == 1
    assert 'class="required-marker"' in grievance


def test_issuing_says_to_whom_and_until_when_in_plain_words(client, world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW, title="Overpriced cement")
    client.force_login(world.users["supervisor"])
    response = client.post(
        reverse("finding-transition", args=[finding.pk]),
        {"to": "issued", "confirmed": "1"},
        follow=True,
    )
    finding.refresh_from_db()
    due = finding.response_due
    day = f"{due.day} {due:%B} {due.year}"
    html = response.content.decode()
    assert f"they have until {day} to reply." in html
    assert "The finding was issued to" in html


def test_a_payment_message_names_the_amount(client, world):
    finding = make_finding(world, FindingStatus.ISSUED, title="Overpriced cement")
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    response = client.post(
        reverse("sanction-payment", args=[sanction.pk]),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "30000",
            "receipt_reference": "OR-9",
        },
        follow=True,
    )
    assert "The payment of ₱30,000.00 was recorded." in response.content.decode()


def test_version_comparison_shows_money_and_dates_as_on_the_pages(client, world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW, amount="2150000")
    finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)
    client.force_login(world.users["supervisor"])
    url = reverse("finding-history", args=[finding.pk])
    html = client.get(url, {"a": 1, "b": 3}).content.decode()
    issued = timezone.localdate()
    assert "₱2,150,000.00" in html and "2150000.00" not in html
    assert f"{issued.day} {issued:%B} {issued.year}" in html  # issued_on, changed
