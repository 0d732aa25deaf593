"""A page of body data costs the same statements whatever its size."""

import io

import pytest

from tests.api.body.conftest import image_bytes


def fill(client, headers, count):
    waist = client.post(
        "/api/v2/measurement-category/", json={"name": "Waist"}, headers=headers
    ).get_json()["id"]
    for index in range(count):
        day = f"2026-{1 + index // 28:02d}-{1 + index % 28:02d}"
        client.post(
            "/api/v2/weightentry/",
            json={"weight": "80", "date": f"{day}T08:00:00Z"},
            headers=headers,
        )
        client.post(
            "/api/v2/measurement/",
            json={"category": waist, "value": 80, "date": f"{day}T08:00:00Z"},
            headers=headers,
        )
        client.post(
            "/api/v2/measurement-category/", json={"name": f"Custom {index}"}, headers=headers
        )
    for _ in range(min(count, 3)):
        client.post(
            "/api/v2/gallery/",
            data={"date": "2026-11-01", "image": (io.BytesIO(image_bytes()), "a.jpg")},
            headers=headers,
            content_type="multipart/form-data",
        )


@pytest.mark.parametrize(
    "resource", ["weightentry", "measurement", "measurement-category", "gallery"]
)
def test_statements_per_page_do_not_grow(client, alice, count_queries, resource):
    fill(client, alice, 12)
    counts = {}
    for limit in (1, 50):
        with count_queries() as counter:
            response = client.get(f"/api/v2/{resource}/?limit={limit}", headers=alice)
        assert response.status_code == 200
        counts[limit] = counter.count
    assert counts[1] == counts[50] <= 5, counts
