"""Organisations are a directory every logged-in user may read; only `sai_admin` writes."""

from tests.api.matrix import EndpointMatrix
from tests.world import ACTORS

LOGGED_IN = set(ACTORS) - {"anonymous"}


class TestOrganizationMatrix(EndpointMatrix):
    list_url = "/api/v1/organizations/"
    visible = LOGGED_IN
    has_history = False  # API.md: organisations have no history endpoint
    create = {"sai_admin": 201}
    update = {"sai_admin": 200}

    def subject(self, world):
        return world.agency

    def create_payload(self, world):
        return {"name": "Municipal Engineering Office", "kind": "agency", "parent": world.agency.pk}

    def update_payload(self, world, obj):
        return {"name": "District Engineering Office I"}


class TestCsoOrganizationMatrix(TestOrganizationMatrix):
    """A CSO and its accreditation are read by everyone and renewed by `sai_admin` only."""

    def subject(self, world):
        return world.cso

    def create_payload(self, world):
        return {
            "name": "Bantay Eskwela",
            "kind": "cso",
            "accreditation_number": "CSO-2026-9000",
            "accredited_until": "2027-12-31",
        }

    def update_payload(self, world, obj):
        return {"accredited_until": "2028-06-30"}
