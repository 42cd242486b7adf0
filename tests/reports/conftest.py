import pytest


@pytest.fixture(autouse=True)
def _reports_inline(settings):
    """Report jobs run in the test's own thread when its transaction commits."""
    settings.REPORTS_JOB_RUNNER = "inline"
    settings.REPORTS_PUBLIC_URL = "https://audit.example.org"
