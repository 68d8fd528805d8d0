"""page_size and page are digits only: what int() would also take is a 400 naming them
(schemathesis' negative run found ``page_size=%0A7`` answered as 7)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("raw", ["%0A7", "%207", "7%20", "%2B7", "7_0", "0", "101", "99999", "7.0"])
@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/knowledge/", "/api/v1/pages/"])
def test_a_page_size_that_is_not_plain_digits_in_range_is_a_400_naming_it(api, centre, path, raw):
    response = api.get(f"{path}?page_size={raw}")
    assert response.status_code == 400, response.content
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("raw", ["1", "20", "100"])
def test_a_plain_page_size_in_range_is_taken(api, centre, raw):
    response = api.get(f"/api/v1/events/?page_size={raw}")
    assert response.status_code == 200
