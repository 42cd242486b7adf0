"""Shared fixtures for browser tests: Debian's chromium driven by Playwright's sync API.

Use them like this::

    @pytest.mark.e2e
    def test_something(page, live_server, login, user):
        login(page, live_server, user)
        page.goto(live_server.url + "/")

`phone_page` is the same as `page` with a phone-sized viewport (390x844, touch).
Without /usr/bin/chromium the tests are skipped, unless E2E_REQUIRED=1 makes that a failure.

Every context the browser opens runs axe-core on every document it visits (see
`tests/e2e/accessibility.py`); a serious or critical violation fails the test.
`screenshot(page, "step-name")` saves a step under $SCREENSHOT_DIR (build/screenshots/).
"""

import os
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from tests.e2e import accessibility
from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio loop in the test thread; Django would otherwise
# refuse ORM calls made from the test body ("SynchronousOnlyOperation").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _file_based_sqlite_test_database():
    """On SQLite the test database is a file, not shared memory: the live server answers
    each request on its own thread with its own connection, and overlapping requests on
    one shared in-memory connection once ran inside one transaction and gave a 500.
    Each process gets its own file (helpers and xdist workers run side by side); Django
    removes it when the test database is destroyed."""
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        return
    name = Path(tempfile.gettempdir()) / f"audit-e2e-{os.getpid()}.sqlite3"
    settings_dict.setdefault("TEST", {})["NAME"] = str(name)


_file_based_sqlite_test_database()

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run browser tests"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message + " (E2E_REQUIRED=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield accessibility.guard_contexts(browser)
        browser.close()


@pytest.fixture(autouse=True)
def axe_on_every_page():
    """Fails the test when a page it visited has a serious or critical axe violation.
    Yields the list of this test's guards (the guard's own test inspects them)."""
    accessibility.start_test()
    guards = accessibility._active_guards
    yield guards
    accessibility.finish_test()


SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "build/screenshots"))


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "02-review-queue")` saves build/screenshots/<test>/02-review-queue.png."""
    folder = SCREENSHOT_DIR / request.node.name

    def save(page, step, full_page=True):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


def _new_page(browser, viewport, **context_options):
    context = browser.new_context(viewport=viewport, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, transactional_db):
    context, new_page = _new_page(browser, DESKTOP_VIEWPORT)
    yield new_page
    context.close()


@pytest.fixture
def phone_page(browser, transactional_db):
    context, new_page = _new_page(browser, PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    yield new_page
    context.close()


def log_in(page, live_server, user, password=PASSWORD):
    """Log in through the real login form and wait until the site has let us in."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.fixture
def login():
    """`login(page, live_server, user)` logs `user` in through the login form."""
    return log_in
