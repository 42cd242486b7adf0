"""django-axes: repeated failed logins lock out, per account and per client address, on
the web login, the admin login and the token endpoint."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audits.choices import Role
from security.choices import EventKind
from security.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PATHS = {
    "token": "/api/v1/auth/token/",
    "web": "/accounts/login/",
    "admin": "/admin/login/",
}


def attempt(path_name, username, password, *, address="10.0.0.1", **headers):
    client = APIClient() if path_name == "token" else Client()
    return client.post(
        PATHS[path_name],
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(path_name, response) -> bool:
    if path_name == "token":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302


@pytest.mark.parametrize("path_name", list(PATHS))
def test_five_failures_lock_the_account_out_even_with_the_right_password(path_name, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(role=Role.SAI_ADMIN, is_staff=True)
    for _ in range(4):
        assert not logged_in(path_name, attempt(path_name, user.username, "wrong"))
    locked = attempt(path_name, user.username, "wrong")
    assert locked.status_code == 429
    response = attempt(path_name, user.username, PASSWORD)
    assert response.status_code == 429 and not logged_in(path_name, response)
    text = response.json()["detail"] if path_name == "token" else response.content.decode()
    assert "Try again after" in text
    assert SecurityEvent.objects.filter(kind=EventKind.LOCKED_OUT, username=user.username).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED).count() >= 5


@pytest.mark.parametrize("path_name", list(PATHS))
def test_the_right_password_before_the_limit_still_works(path_name, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(role=Role.SAI_ADMIN, is_staff=True)
    for _ in range(3):
        attempt(path_name, user.username, "wrong")
    assert logged_in(path_name, attempt(path_name, user.username, PASSWORD))


def test_one_address_trying_many_accounts_is_locked_out(settings):
    settings.AXES_FAILURE_LIMIT = 5
    victim = UserFactory(role=Role.AUDITOR)
    for number in range(5):
        attempt("token", f"guess{number}", "wrong", address="10.9.9.9")
    assert attempt("token", victim.username, PASSWORD, address="10.9.9.9").status_code == 429
    assert logged_in("token", attempt("token", victim.username, PASSWORD, address="10.1.1.1"))


def test_one_account_tried_from_many_addresses_is_locked_out(settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(role=Role.AUDITOR)
    for number in range(5):
        attempt("token", user.username, "wrong", address=f"10.0.0.{number + 10}")
    assert attempt("token", user.username, PASSWORD, address="10.0.0.99").status_code == 429


def test_a_client_cannot_choose_its_address_with_x_forwarded_for(settings):
    settings.AXES_FAILURE_LIMIT = 5
    for number in range(5):
        attempt("token", f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    user = UserFactory(role=Role.AUDITOR)
    response = attempt("token", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
    event = SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED).first()
    assert event.ip_address == "10.0.0.1"


def test_with_one_trusted_proxy_the_address_it_saw_counts(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        attempt(
            "token", f"guess{number}", "wrong",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",  # the client wrote the first one
        )  # fmt: skip
    user = UserFactory(role=Role.AUDITOR)
    blocked = attempt("token", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert blocked.status_code == 429
    other = attempt("token", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert logged_in("token", other)
    assert SecurityEvent.objects.filter(ip_address="203.0.113.5").exists()
    assert not SecurityEvent.objects.filter(ip_address="6.6.6.6").exists()
