"""The second factor (TOTP) for sai_admin and supervisor, password reset by email, and the
admin applying the same account rules as the services."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from audits.choices import Role
from audits.models import Organization
from security.models import ApiToken
from security.services.tokens import token_create
from tests.factories import PASSWORD, AgencyFactory, EngagementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    """django-otp waits after a wrong code; these tests try a right one straight after."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(user) -> Client:
    browser = Client()
    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("role", [Role.SAI_ADMIN, Role.SUPERVISOR])
def test_with_require_2fa_the_roles_set_up_and_use_a_second_factor(settings, role):
    settings.REQUIRE_2FA = True
    user = UserFactory(role=role, is_staff=role == Role.SAI_ADMIN)
    browser = log_in(user)
    home = browser.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/two-factor/")
    assert browser.get("/api/v1/engagements/").status_code == 403  # the session API too
    setup = browser.get(home["Location"])
    assert setup.status_code == 200 and setup.context["setting_up"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert browser.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400
    done = browser.post("/accounts/two-factor/", {"code": current_code(device), "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert browser.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # The next login asks for a code from the same device.
    again = log_in(user)
    assert again.get("/")["Location"].startswith("/accounts/two-factor/")
    assert not again.get("/accounts/two-factor/").context["setting_up"]


def test_the_admin_site_needs_the_second_factor_too(settings):
    settings.REQUIRE_2FA = True
    admin = UserFactory(role=Role.SAI_ADMIN, is_staff=True)
    browser = log_in(admin)
    assert browser.get("/admin/")["Location"].startswith("/accounts/two-factor/")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CSO_AUDITOR, Role.OVERSIGHT])
def test_other_roles_need_no_second_factor(settings, role):
    settings.REQUIRE_2FA = True
    assert log_in(UserFactory(role=role)).get("/").status_code == 200


def test_without_require_2fa_nobody_is_asked(settings):
    settings.REQUIRE_2FA = False
    assert log_in(UserFactory(role=Role.SUPERVISOR)).get("/").status_code == 200


def test_the_token_endpoint_asks_those_roles_for_a_code(settings):
    settings.REQUIRE_2FA = True
    user = UserFactory(role=Role.SUPERVISOR)
    client = APIClient()
    body = {"username": user.username, "password": PASSWORD}
    assert client.post("/api/v1/auth/token/", body).status_code == 403  # no device yet
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assert client.post("/api/v1/auth/token/", {**body, "otp": "123"}).status_code == 400
    response = client.post("/api/v1/auth/token/", {**body, "otp": current_code(device)})
    assert response.status_code == 200 and "token" in response.json()


def test_password_reset_by_email_from_the_login_page():
    user = UserFactory(role=Role.AUDITOR, email="maria@example.org")
    _token, secret = token_create(user=user)
    browser = Client()
    assert 'href="/accounts/password-reset/"' in browser.get("/accounts/login/").content.decode()
    sent = browser.post("/accounts/password-reset/", {"email": "maria@example.org"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = browser.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    weak = browser.post(
        form.redirect_chain[-1][0], {"new_password1": user.username, "new_password2": user.username}
    )
    assert weak.status_code == 200  # the validators apply here too
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh passphrase 2026", "new_password2": "a fresh passphrase 2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a fresh passphrase 2026")
    assert not ApiToken.objects.usable().filter(user=user).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/users/me/").status_code == 401


def admin_browser() -> Client:
    browser = Client()
    browser.force_login(UserFactory(role=Role.SAI_ADMIN, is_staff=True))
    return browser


def test_the_admin_refuses_a_password_equal_to_the_username():
    browser = admin_browser()
    agency = AgencyFactory()
    response = browser.post(
        "/admin/audits/user/add/",
        {
            "username": "juandelacruz",
            "full_name": "Juan dela Cruz",
            "email": "juan@example.org",
            "role": "agency_respondent",
            "organization": agency.pk,
            "password1": "juandelacruz",
            "password2": "juandelacruz",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not UserFactory._meta.model.objects.filter(username="juandelacruz").exists()
    user = UserFactory(role=Role.AUDITOR, username="pedro_reyes")
    changed = browser.post(
        f"/admin/audits/user/{user.pk}/password/",
        {"password1": "pedro_reyes", "password2": "pedro_reyes", "usable_password": "true"},
    )
    assert changed.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admin_refuses_to_turn_an_agency_with_engagements_into_a_cso():
    agency = AgencyFactory(name="District Office")
    EngagementFactory(auditee=agency)
    response = admin_browser().post(
        f"/admin/audits/organization/{agency.pk}/change/",
        {"name": "District Office", "kind": "cso", "currency": "PHP", "reply_period_days": 15},
    )
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert Organization.objects.get(pk=agency.pk).kind == "agency"
