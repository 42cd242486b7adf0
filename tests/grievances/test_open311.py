"""Open311 GeoReport v2, driven over HTTP by the `georeport` client from PyPI (written
by no one here) against a live server: discovery, services and their definitions,
requests listed and read one by one in JSON and XML; filing with an app's api_key (the
client cannot file, so that POST goes through `requests`, as any app would send it)."""

import pytest
import requests
from georeport import GeoReport

from audits.choices import Role
from grievances.choices import GrievanceStatus as G
from grievances.models import Grievance
from grievances.services.open311 import open311_client_create
from grievances.services.triage import grievance_transition
from tests.factories import UserFactory
from tests.grievances.factories import CONTACT, category

pytestmark = pytest.mark.django_db(transaction=True)

FILING = {
    "service_code": "water_sanitation",
    "lat": "15.079412",
    "long": "120.620311",
    "address_string": "Purok 5, Barangay Mandili, Candaba",
    "description": "The communal water pump has been broken for two weeks.",
    "first_name": "Perpetua",
    "last_name": "Zaragosa-Lumbera",
    "email": CONTACT["contact_email"],
    "phone": CONTACT["contact_phone"],
}


@pytest.fixture
def open311(live_server):
    category()
    category("water_sanitation", "Water and sanitation")
    _app, key = open311_client_create(name="FixMyBarangay")
    return live_server.url + "/open311/v2", key


def file(root, key, **changes):
    return requests.post(f"{root}/requests.json", data={**FILING, "api_key": key, **changes})


def test_an_unchanged_georeport_client_reads_services_and_requests(open311):
    root, key = open311
    client = GeoReport(root)
    services = {service["service_code"]: service for service in client.get_service_list()}
    assert services["water_sanitation"]["service_name"] == "Water and sanitation"
    assert services["infrastructure"]["metadata"] is False
    assert client.get_service_definition("infrastructure")["service_code"] == "infrastructure"

    filed = file(root, key)
    assert filed.status_code == 200, filed.text
    answer = filed.json()[0]
    code = answer["service_request_id"]
    assert answer["token"] == code

    request = client.get_service_request(code)
    assert request["service_request_id"] == code
    assert request["status"] == "open" and request["service_code"] == "water_sanitation"
    assert request["description"] == FILING["description"]
    assert (request["lat"], request["long"]) == (15.079412, 120.620311)
    assert request["address"] == FILING["address_string"]

    # A new request is listed once the staff have verified it.
    assert client.get_service_requests() == []
    grievance = Grievance.objects.get()
    assert grievance.channel == "open311" and grievance.open311_client.name == "FixMyBarangay"
    staff = UserFactory(role=Role.SUPERVISOR)
    grievance_transition(grievance, by=staff, to=G.UNDER_REVIEW)
    listed = client.get_service_requests()
    assert [row["service_request_id"] for row in listed] == [code]
    assert listed[0]["status_notes"] == "Your report was received and is being verified."
    assert (
        client.get_service_requests(service_code="water_sanitation")[0]["service_request_id"]
        == code
    )
    assert client.get_service_requests(service_code="infrastructure") == []
    assert client.get_service_requests(status="closed") == []
    assert len(client.get_service_requests(status="open")) == 1
    assert len(client.get_service_requests(service_request_id=code)) == 1
    assert (
        client.get_service_requests(
            start_date="2001-01-01T00:00:00Z", end_date="2001-02-01T00:00:00Z"
        )
        == []
    )

    grievance_transition(grievance, by=staff, to=G.DISMISSED, reason="Duplicate of a report.")
    closed = client.get_service_requests(status="closed")
    assert closed[0]["status"] == "closed" and closed[0]["status_notes"] == "Duplicate of a report."


def test_the_same_client_reads_xml(open311):
    root, key = open311
    code = file(root, key).json()[0]["service_request_id"]
    client = GeoReport(root, output_format="xml")
    services = client.get_service_list()
    assert {service["service_code"] for service in services} >= {
        "infrastructure",
        "water_sanitation",
    }
    request = client.get_service_request(code)
    assert request["service_request_id"] == code and request["status"] == "open"
    xml_post = requests.post(
        f"{root}/requests.xml", data={**FILING, "api_key": key, "description": "Other"}
    )
    assert xml_post.status_code == 200 and b"<service_request_id>" in xml_post.content


def test_discovery_tokens_and_the_standard_errors(open311):
    root, key = open311
    discovery = requests.get(f"{root}/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"] == root
    code = file(root, key).json()[0]["service_request_id"]
    token = requests.get(f"{root}/tokens/{code}.json")
    assert token.json() == [{"service_request_id": code, "token": code}]
    assert requests.get(f"{root}/tokens/22222-22222-22222.json").status_code == 404
    assert requests.get(f"{root}/requests/not-a-code.json").status_code == 404

    no_key = requests.post(f"{root}/requests.json", data=FILING)
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    assert file(root, "wrong-key").status_code == 403
    unknown = file(root, key, service_code="potholes")
    assert unknown.status_code == 404 and "service_code" in unknown.json()[0]["description"]
    nowhere = file(root, key, lat="", long="", address_string="", description="Nowhere")
    assert nowhere.status_code == 400 and "lat" in nowhere.json()[0]["description"]
    off_earth = file(root, key, lat="95", long="10", description="Off the Earth")
    assert off_earth.status_code == 400
    empty = file(root, key, description="")
    assert empty.status_code == 400 and "description" in empty.json()[0]["description"]
    too_wide = requests.get(
        f"{root}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"},
    )
    assert too_wide.status_code == 400
    assert Grievance.objects.count() == 1


def test_no_open311_answer_carries_contact_data(open311):
    root, key = open311
    bodies = [file(root, key).text]
    code = Grievance.objects.get().grouped_code
    grievance_transition(
        Grievance.objects.get(), by=UserFactory(role=Role.SAI_ADMIN), to=G.UNDER_REVIEW
    )
    for path in [
        "requests.json",
        "requests.xml",
        f"requests/{code}.json",
        f"requests/{code}.xml",
        f"tokens/{code}.json",
    ]:
        response = requests.get(f"{root}/{path}")
        assert response.status_code == 200
        bodies.append(response.text)
    for body in bodies:
        for value in (*CONTACT.values(), "Perpetua"):
            assert value not in body
