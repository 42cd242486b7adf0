"""Open data with nothing to show is still a CSV file: its header row, typed text/csv."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", ["findings", "recommendations", "sanctions"])
def test_an_empty_csv_has_its_header_row_and_type(dataset):
    response = APIClient().get(f"/api/v1/open-data/{dataset}/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert len(lines) == 1 and lines[0].split(",")[0] == "id"
