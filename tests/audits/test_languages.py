"""English and Filipino: the language follows the browser (Accept-Language), the cookie
the language switch sets (also for citizens without an account), and above both the
language a logged-in user saved; and the Filipino catalogue is complete."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from audits.models import User
from tests.world import build_world

PO_FILE = Path(settings.BASE_DIR) / "locale" / "fil" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# %(name)s, %s, %d, {{ name }} (blocktranslate), {name} (format): must survive translation.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfir]|%[sdfi]|\{\{ *\w+ *\}\}|\{\w*\}")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@dataclass
class Entry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict = field(default_factory=dict)  # index (0 for a singular) -> text
    fuzzy: bool = False


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` ones left out), without the header."""
    entries, entry, key = [], Entry(), None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry.msgid or entry.msgstr:
                entries.append(entry)
            entry, key = Entry(), None
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            key, entry.msgctxt = "msgctxt", ast.literal_eval(line[8:])
        elif line.startswith("msgid_plural "):
            key, entry.msgid_plural = "msgid_plural", ast.literal_eval(line[13:])
        elif line.startswith("msgid "):
            key, entry.msgid = "msgid", ast.literal_eval(line[6:])
        elif line.startswith("msgstr"):
            head, _space, text = line.partition(" ")
            key = int(head[7:-1]) if head.startswith("msgstr[") else 0
            entry.msgstr[key] = ast.literal_eval(text)
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(key, int):
                entry.msgstr[key] += text
            else:
                setattr(entry, key, getattr(entry, key) + text)
    return [entry for entry in entries if entry.msgid]


# --- the catalogue ------------------------------------------------------------------------


def test_every_message_has_a_filipino_translation_with_the_same_placeholders():
    problems = []
    entries = read_po(PO_FILE)
    assert len(entries) > 1000  # the whole interface, not a few words
    for entry in entries:
        translations = [text for _index, text in sorted(entry.msgstr.items())]
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        if entry.fuzzy:
            problems.append(("fuzzy", entry.msgid))
        elif not translations or not all(text.strip() for text in translations):
            problems.append(("untranslated", entry.msgid))
        else:
            expected = [placeholders(source) for source in sources]
            for text in translations:
                if placeholders(text) not in expected:
                    problems.append(("placeholders", entry.msgid, text))
    assert not problems, f"{len(problems)} problems, first: {problems[:10]}"


def test_the_compiled_catalogue_holds_every_translation():
    with MO_FILE.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in read_po(PO_FILE):
        if entry.msgctxt:
            found = catalogue.pgettext(entry.msgctxt, entry.msgid)
        elif entry.msgid_plural:
            found = catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
        else:
            found = catalogue.gettext(entry.msgid)
        assert found == entry.msgstr[0], entry.msgid


# --- which language a page is in ------------------------------------------------------------


def test_a_page_follows_accept_language(client, db):
    english = client.get(reverse("grievance-new")).content.decode()
    assert '<html lang="en">' in english and "Send the report" in english
    filipino = client.get(reverse("grievance-new"), HTTP_ACCEPT_LANGUAGE="fil").content.decode()
    assert '<html lang="fil">' in filipino
    assert "Send the report" not in filipino
    assert "Ipadala ang ulat" in filipino


def test_a_citizen_without_an_account_switches_language_with_the_cookie(client, db):
    response = client.post(
        reverse("language-set"), {"language": "fil", "next": reverse("grievance-new")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("grievance-new")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fil"
    page = client.get(reverse("grievance-new")).content.decode()
    assert '<html lang="fil">' in page and "Ipadala ang ulat" in page


def test_the_saved_language_wins_over_the_browser(client, world):
    user = world.users["agency_respondent"]
    user.language = "fil"
    user.save()
    client.force_login(user)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fil">' in page
    assert "Mag-log out" in page


def test_switching_language_saves_it_on_the_profile(client, world):
    user = world.users["team_auditor"]
    client.force_login(user)
    client.post(reverse("language-set"), {"language": "fil", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fil"
    # Another device, another browser language: the saved choice still wins.
    other = type(client)()
    other.force_login(user)
    page = other.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="fil">' in page
    client.post(reverse("language-set"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_an_unknown_language_or_a_foreign_next_changes_nothing(client, world):
    user = world.users["team_auditor"]
    client.force_login(user)
    response = client.post(
        reverse("language-set"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=user.pk).language == ""


def test_the_language_switch_is_a_post_form_on_every_page(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'id="language-switch"' in page and 'method="post"' in page
    assert '<option value="fil" lang="fil">Filipino</option>' in page
    assert client.get(reverse("language-set")).status_code == 405


def test_after_a_form_error_the_switch_goes_back_to_the_page_not_the_post_url(client, world):
    client.force_login(world.users["team_leader"])
    page = reverse("engagement-detail", args=[world.engagement.pk])
    response = client.post(
        reverse("language-set"), {"language": "fil"}, HTTP_REFERER=f"http://testserver{page}"
    )
    assert response["Location"] == f"http://testserver{page}"
