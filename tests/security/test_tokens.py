import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audits.choices import Role
from audits.models import Engagement
from security.choices import EventKind
from security.models import ApiToken, SecurityEvent
from tests.conftest import client_for
from tests.factories import PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def login(user, **extra) -> str:
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(secret) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_is_stored_only_as_its_hash():
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    token = ApiToken.objects.get(user=user)
    assert secret not in {token.digest, str(token.pk)}
    assert len(token.digest) == 64
    assert with_token(secret).get("/api/v1/users/me/").json()["id"] == user.pk
    assert SecurityEvent.objects.filter(kind=EventKind.TOKEN_CREATED, user=user).exists()


def test_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_DAYS = 7
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    token = ApiToken.objects.get(user=user)
    assert abs(token.expires - timezone.now() - datetime.timedelta(days=7)) < datetime.timedelta(
        minutes=1
    )
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now())
    response = with_token(secret).get("/api/v1/users/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_the_default_expiry_is_ninety_days():
    user = UserFactory(role=Role.AUDITOR)
    login(user)
    token = ApiToken.objects.get(user=user)
    assert (token.expires - token.created).days in {89, 90}


def test_the_owner_lists_tokens_without_secrets_and_revokes_one():
    user = UserFactory(role=Role.AUDITOR)
    first, second = login(user), login(user)
    UserFactory(role=Role.AUDITOR)  # someone else's tokens never show
    client = with_token(first)
    rows = client.get(TOKENS_URL).json()["results"]
    assert len(rows) == 2
    assert set(rows[0]) == {"id", "created", "expires", "last_used", "read_only", "user"}
    assert first not in str(rows) and second not in str(rows)
    second_id = ApiToken.objects.exclude(pk=rows[-1]["id"]).get(user=user, last_used=None).pk
    assert client.delete(f"{TOKENS_URL}{second_id}/").status_code == 204
    assert with_token(second).get("/api/v1/users/me/").status_code == 401
    assert client.get("/api/v1/users/me/").status_code == 200
    assert SecurityEvent.objects.filter(kind=EventKind.TOKEN_REVOKED, object_id=second_id).exists()


def test_last_used_is_recorded_and_logged():
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    assert ApiToken.objects.get(user=user).last_used is None
    with_token(secret).get("/api/v1/users/me/")
    assert ApiToken.objects.get(user=user).last_used is not None
    assert SecurityEvent.objects.filter(kind=EventKind.TOKEN_USED, user=user).count() == 1


def test_nobody_else_sees_or_revokes_a_token_but_the_sai_admin():
    owner = UserFactory(role=Role.AUDITOR)
    secret = login(owner)
    token = ApiToken.objects.get(user=owner)
    other = UserFactory(role=Role.SUPERVISOR)
    assert client_for(other).delete(f"{TOKENS_URL}{token.pk}/").status_code == 404
    assert client_for(other).get(TOKENS_URL).json()["results"] == []
    admin = UserFactory(role=Role.SAI_ADMIN)
    listed = client_for(admin).get(TOKENS_URL, {"user": owner.pk}).json()["results"]
    assert [row["id"] for row in listed] == [token.pk]
    assert client_for(admin).delete(f"{TOKENS_URL}{token.pk}/").status_code == 204
    assert with_token(secret).get("/api/v1/users/me/").status_code == 401


def test_a_password_change_through_the_api_revokes_every_token():
    user = UserFactory(role=Role.AUDITOR)
    secrets = [login(user), login(user)]
    admin = UserFactory(role=Role.SAI_ADMIN)
    response = client_for(admin).patch(
        f"/api/v1/users/{user.pk}/", {"password": "a new, long passphrase 42"}, format="json"
    )
    assert response.status_code == 200, response.content
    for secret in secrets:
        assert with_token(secret).get("/api/v1/users/me/").status_code == 401
    assert not ApiToken.objects.usable().filter(user=user).exists()


def test_a_password_set_anywhere_else_revokes_tokens_too():
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    user.set_password("another long passphrase 7")
    user.save()
    assert with_token(secret).get("/api/v1/users/me/").status_code == 401


def test_a_login_that_rehashes_the_password_keeps_the_tokens(settings):
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # a new default: Django rehashes
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    login(user)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert with_token(secret).get("/api/v1/users/me/").status_code == 200


def test_deactivation_through_patch_works_and_revokes_tokens():
    user = UserFactory(role=Role.AUDITOR)
    secret = login(user)
    admin = UserFactory(role=Role.SAI_ADMIN)
    response = client_for(admin).patch(
        f"/api/v1/users/{user.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    user.refresh_from_db()
    assert user.is_active is False
    assert with_token(secret).get("/api/v1/users/me/").status_code == 401
    refused = APIClient().post(TOKEN_URL, {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 400


def test_a_read_only_token_only_reads_whatever_the_role():
    supervisor = UserFactory(role=Role.SUPERVISOR)
    secret = login(supervisor, read_only=True)
    client = with_token(secret)
    assert client.get("/api/v1/engagements/").status_code == 200
    assert client.get(TOKENS_URL).json()["results"][0]["read_only"] is True
    agency = AgencyFactory()
    refused = client.post(
        "/api/v1/engagements/",
        {
            "reference": "RO-1",
            "title": "Read only",
            "auditee": agency.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
        },
        format="json",
    )
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    assert not Engagement.objects.filter(reference="RO-1").exists()
    own = ApiToken.objects.get(user=supervisor)
    assert client.delete(f"{TOKENS_URL}{own.pk}/").status_code == 403


def test_passwords_through_the_api_meet_every_validator():
    admin = UserFactory(role=Role.SAI_ADMIN)
    sai = admin.organization
    client = client_for(admin)
    payload = {
        "username": "mariasantos",
        "full_name": "Maria Santos",
        "email": "maria@example.org",
        "role": "auditor",
        "organization": sai.pk,
    }
    for password in ["mariasantos", "Maria Santos1", "short", "12345678901"]:
        response = client.post("/api/v1/users/", {**payload, "password": password}, format="json")
        assert response.status_code == 400, password
        assert "password" in response.json()
    assert not admin._meta.model.objects.filter(username="mariasantos").exists()
    created = client.post(
        "/api/v1/users/", {**payload, "password": "river dike 2026 audit"}, format="json"
    )
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    same = client.patch(f"/api/v1/users/{user_id}/", {"password": "mariasantos"}, format="json")
    assert same.status_code == 400 and "password" in same.json()
