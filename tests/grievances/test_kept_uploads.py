"""Issue 9: a refused web form keeps the files it was sent, for this session, for an hour."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audits.services import kept_uploads
from grievances.models import Grievance
from tests import evidence_samples as samples
from tests.grievances.factories import category
from tests.grievances.test_filing import stored_files

pytestmark = pytest.mark.django_db
URL = "/grievances/new/"
TOKEN = re.compile(r'name="kept_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _categories():
    category()


def photo(name="bridge.jpg"):
    return SimpleUploadedFile(name, samples.jpeg_bytes(), content_type="image/jpeg")


def refused_with_photo(client) -> str:
    response = client.post(
        URL, {"description": "", "category": "infrastructure", "files": [photo()]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Already chosen" in html and "bridge.jpg" in html
    return TOKEN.search(html).group(1)


def resubmit(client, token):
    return client.post(
        URL,
        {"description": "The bridge is cracked", "category": "infrastructure", "kept_token": token},
    )


def test_a_refused_grievance_is_resubmitted_with_only_the_token_and_gets_the_photo():
    client = Client()
    token = refused_with_photo(client)
    response = resubmit(client, token)
    assert response.status_code == 302
    attachment = Grievance.objects.get().attachments.get()
    assert attachment.original_filename == "bridge.jpg" and attachment.content_type == "image/jpeg"
    assert not [name for name in stored_files() if name.startswith("kept/")]


def test_another_sessions_token_is_refused():
    token = refused_with_photo(Client())
    response = resubmit(Client(), token)
    assert response.status_code == 302
    assert Grievance.objects.get().attachments.count() == 0
    assert [name for name in stored_files() if name.startswith("kept/")]  # still the owner's


def test_an_expired_token_is_not_used(monkeypatch):
    client = Client()
    token = refused_with_photo(client)
    later = timezone.now() + kept_uploads.KEPT_FOR + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = resubmit(client, token)
    assert response.status_code == 302
    assert Grievance.objects.get().attachments.count() == 0


def test_remove_drops_the_kept_file():
    client = Client()
    token = refused_with_photo(client)
    response = client.post(
        URL,
        {
            "description": "The bridge",
            "category": "infrastructure",
            "kept_token": token,
            "kept_remove": "1",
        },
    )
    assert response.status_code == 302
    assert Grievance.objects.get().attachments.count() == 0
    assert not [name for name in stored_files() if name.startswith("kept/")]


def test_a_file_that_fails_the_content_check_is_not_kept_and_the_error_says_why():
    bad = SimpleUploadedFile("page.html", samples.HTML, content_type="text/html")
    response = Client().post(URL, {"description": "", "category": "infrastructure", "files": [bad]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Already chosen" not in html and "page.html:" in html
    assert stored_files() == []


def test_the_daily_run_removes_kept_files_past_their_hour():
    refused_with_photo(Client())
    assert kept_uploads.kept_uploads_expire() == 0
    later = timezone.now() + kept_uploads.KEPT_FOR + datetime.timedelta(minutes=1)
    assert kept_uploads.kept_uploads_expire(later) == 1
    assert stored_files() == []


def test_a_second_refusal_keeps_the_same_files_and_the_page_speaks_filipino():
    client = Client()
    token = refused_with_photo(client)
    client.cookies["django_language"] = "fil"
    again = client.post(URL, {"description": "", "category": "infrastructure", "kept_token": token})
    assert again.status_code == 400
    html = again.content.decode()
    assert f'value="{token}"' in html and "bridge.jpg" in html and "Napili na" in html
    assert resubmit(client, token).status_code == 302
    assert Grievance.objects.get().attachments.count() == 1


def test_a_good_photo_is_kept_when_a_second_file_fails_the_check():
    bad = SimpleUploadedFile("page.html", samples.HTML, content_type="text/html")
    response = Client().post(
        URL,
        {"description": "The bridge", "category": "infrastructure", "files": [photo(), bad]},
    )
    assert response.status_code >= 400
    html = response.content.decode()
    assert "Already chosen" in html and "bridge.jpg (" in html
    assert html.count("page.html") == 1  # the service's refusal, not repeated
    assert not Grievance.objects.exists()
    assert len([name for name in stored_files() if name.startswith("kept/")]) == 1
