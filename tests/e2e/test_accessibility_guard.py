"""The axe-core guard itself: a page with deliberate violations fails the test, whether the
browser only passes through it or stays on it, and the message says what and where."""

import pytest
from django.http import HttpResponse
from django.urls import path

from tests.e2e.accessibility import AccessibilityViolations
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""
BAD_BODY = (
    '<img src="/nothing.png">'  # image-alt (critical)
    '<form><input type="text" name="who"></form>'  # label (critical)
    '<a href="/clean/" id="onward">Onward</a>'
)


def bad_page(request):
    return HttpResponse(PAGE.format(title="Deliberately inaccessible", body=BAD_BODY))


def clean_page(request):
    return HttpResponse(PAGE.format(title="Clean", body="<p>Nothing wrong here.</p>"))


urlpatterns = [path("bad/", bad_page), path("clean/", clean_page)]


@pytest.fixture
def deliberate_pages(settings, live_server):
    settings.ROOT_URLCONF = __name__
    return live_server.url


def test_a_page_passed_through_is_checked_before_the_browser_leaves_it(
    browser, deliberate_pages, axe_on_every_page
):
    context = browser.new_context()  # any context a test opens is guarded
    page = context.new_page()
    page.goto(f"{deliberate_pages}/bad/")
    page.click("#onward")
    page.wait_for_url("**/clean/")
    context.close()  # the clean page, still open, is checked here

    (guard,) = axe_on_every_page
    assert f"{deliberate_pages}/clean/" in guard.checked_urls
    failing = {(v["rule"], v["impact"], v["url"]) for v in guard.violations}
    assert failing == {
        ("image-alt", "critical", f"{deliberate_pages}/bad/"),
        ("label", "critical", f"{deliberate_pages}/bad/"),
    }
    with pytest.raises(AccessibilityViolations) as failure:
        guard.assert_clean()
    message = str(failure.value)
    assert "[critical] image-alt" in message and "target: img" in message
    assert f"url: {deliberate_pages}/bad/" in message
    guard.violations.clear()  # the violations were the point of this test


def test_the_last_page_is_checked_again_after_the_test_changed_it(
    page, deliberate_pages, axe_on_every_page
):
    page.goto(f"{deliberate_pages}/clean/")
    (guard,) = axe_on_every_page
    for _ in range(100):  # until the load-time check has reported
        if guard.checked_urls:
            break
        page.wait_for_timeout(50)
    assert guard.checked_urls == [f"{deliberate_pages}/clean/"]
    assert guard.violations == []
    page.evaluate("document.querySelector('main').append(document.createElement('select'))")
    page.context.close()  # what the page shows at the end is checked too
    assert {(v["rule"], v["target"]) for v in guard.violations} == {("select-name", "select")}
    guard.violations.clear()


def test_the_login_page_a_test_only_passes_through_is_checked(
    page, live_server, login, axe_on_every_page
):
    login(page, live_server, UserFactory())
    (guard,) = axe_on_every_page
    assert f"{live_server.url}/accounts/login/" in guard.checked_urls
    assert guard.unchecked == []
    assert f"{live_server.url}/accounts/login/" in guard.visited
    assert f"{live_server.url}/accounts/login/" not in guard.never_checked()
