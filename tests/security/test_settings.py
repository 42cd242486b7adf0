"""Secure defaults: production settings (DEBUG off) pass `check --deploy`, refuse the
development key, and every page carries a strict CSP and the other headers."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "audits" / "templates", ROOT / "security" / "templates"]
PRODUCTION_KEY = "k" * 20 + "Production-Key-Not-In-The-Repository-1234567890"


# What the test run itself sets (the browser tests allow sync ORM calls from Playwright's
# event loop) must not leak into a production process.
TEST_ONLY_VARIABLES = {
    "SECRET_KEY",
    "SECURE_HTTPS",
    "REQUIRE_2FA",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(tmp_path, **overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings",
        DEBUG="false",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="audit.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DATA_DIR=str(tmp_path),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_python(env, code) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SETUP = "import django; django.setup(); from django.conf import settings as s; "


def test_the_development_key_is_refused_when_debug_is_off(tmp_path):
    refused = run_python(production_env(tmp_path, SECRET_KEY=None), SETUP + "print('started')")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "started" not in refused.stdout
    allowed = run_python(
        production_env(tmp_path, SECRET_KEY=None, DEBUG="true"), SETUP + "print('started')"
    )
    assert allowed.returncode == 0, allowed.stderr


def test_production_defaults_are_https_only(tmp_path):
    code = SETUP + (
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.REQUIRE_2FA,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run_python(
        production_env(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"), code
    )
    assert result.stdout.split(None, 6) == [
        "True", "True", "True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO', 'https')\n"
    ]  # fmt: skip
    plain = run_python(
        production_env(tmp_path, SECURE_HTTPS="false", REQUIRE_2FA="false"),
        SETUP + "print(getattr(s, 'SECURE_SSL_REDIRECT', False), s.REQUIRE_2FA)",
    )
    assert plain.stdout.split() == ["False", "False"], plain.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_the_other_headers(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_api_docs_load_no_inline_script(client, django_user_model):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get("/api/v1/docs/").content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page) is None


INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE
)


def test_no_template_holds_inline_script_or_style():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if INLINE_CODE.search(line):
                    offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
