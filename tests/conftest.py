import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from audits.choices import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The production hasher is slow on purpose; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttles count requests in the cache, which outlives a test; on a fast machine
    one worker's earlier tests would use up a later test's budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Filipino leaves Filipino active on the test's thread (Django activates
    per request and never resets): the next test would read Filipino mail."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Every test writes files into its own folder, never into the developer's data."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "private"},
        },
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "evidence"},
        },
    }


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def make_user(db):
    def make(role=Role.AUDITOR, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make
