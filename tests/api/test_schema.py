"""The OpenAPI schema names every route, and the docs page loads without the internet."""

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPINE_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/organizations/",
    "/api/v1/organizations/{id}/",
    "/api/v1/users/",
    "/api/v1/users/{id}/",
    "/api/v1/users/me/",
    "/api/v1/engagements/",
    "/api/v1/engagements/{id}/",
    "/api/v1/engagements/{id}/transition/",
    "/api/v1/engagements/{id}/history/",
    "/api/v1/engagements/{engagement_pk}/members/",
    "/api/v1/engagements/{engagement_pk}/members/{id}/",
]


def api_routes():
    """Every route under api/v1/ as OpenAPI writes it (`{name}` for each parameter)."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern) and text.startswith("api/v1/"):
                found.add(text)

    walk(get_resolver().url_patterns, "")
    paths = set()
    for route in found:
        if "format>" in route:
            continue  # the router's `.json` suffix variants
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        route = route.replace("^", "").replace("$", "").replace("{pk}", "{id}")
        if route in {"api/v1/schema/", "api/v1/docs/", "api/v1/"}:
            continue
        paths.add("/" + route)
    return paths


def test_schema_as_yaml_and_json_names_every_path():
    client = client_for(UserFactory())
    as_yaml = client.get("/api/v1/schema/")
    assert as_yaml.status_code == 200
    schema = yaml.safe_load(as_yaml.content)
    assert schema["openapi"].startswith("3.")
    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200
    assert json.loads(as_json.content)["paths"].keys() == schema["paths"].keys()
    assert set(SPINE_PATHS) <= schema["paths"].keys()
    assert api_routes() <= schema["paths"].keys(), api_routes() - schema["paths"].keys()


def test_schema_is_served_without_login():
    assert client_for(None).get("/api/v1/schema/").status_code == 200


def test_docs_reference_only_local_assets():
    response = client_for(None).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assets += re.findall(r"""url:\s*["']([^"']+)["']""", html)
    assert any("drf_spectacular_sidecar" in asset for asset in assets), assets
    assert not re.search(r"https?://(?!testserver)", html), "the docs page loads from the internet"
    for asset in assets:
        assert asset.startswith("/"), asset
        if asset == "/api/v1/schema/":
            continue
        if asset.startswith("/api/v1/docs/?script"):
            # The page's own start-up script, served apart so the CSP needs no inline code.
            assert client_for(None).get(asset).status_code == 200
            continue
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
