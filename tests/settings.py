"""The test suite's settings: production settings with what a test run on loopback needs.

DEBUG stays off (as pytest-django wants); the development key, plain HTTP and no second
factor are set here, before `backend.settings` reads the environment. A variable already
set in the environment wins."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-" + "x" * 40)
os.environ.setdefault("SECURE_HTTPS", "false")
os.environ.setdefault("REQUIRE_2FA", "false")

from backend.settings import *  # noqa: E402, F403
