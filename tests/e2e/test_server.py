"""The real server, as a client meets it: gunicorn + wsgi.py + the bootstrapped catalogue."""

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serves_the_whole_exercise_catalogue(live_server):
    status, headers, body = get(live_server.url + "/api/v2/exercise/")
    assert status == 200
    assert json.loads(body)["count"] == 872
    assert headers["Content-Type"] == "application/json"


def test_links_use_the_request_host(live_server):
    status, _, body = get(live_server.url + "/api/v2/muscle/?limit=5")
    assert json.loads(body)["next"] == live_server.url + "/api/v2/muscle/?limit=5&offset=5"


def test_no_redirects_and_suffixes_over_the_wire(live_server):
    for path in ("/api/v2/muscle", "/api/v2/muscle.json", "/api/v2/muscle/1.api", "/api/v2/schema"):
        status, _, _ = get(live_server.url + path)
        assert status == 200, path


def test_documentation_pages_and_assets(live_server):
    status, _, page = get(live_server.url + "/api/v2/schema/ui/")
    assert status == 200
    status, headers, asset = get(live_server.url + "/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert status == 200 and len(asset) > 1_000_000


def test_bootstrap_again_against_the_live_database_changes_nothing(live_server):
    result = live_server.flask("bootstrap")
    assert result.returncode == 0, result.stderr
    assert "0 catalogue rows inserted" in result.stdout


def test_unknown_route_and_bad_input_are_4xx_not_500(live_server):
    assert get(live_server.url + "/api/v2/nope/")[0] == 404
    assert get(live_server.url + "/api/v2/exerciseinfo/?id=x")[0] == 400
    assert get(live_server.url + "/api/v2/muscle/", {"Accept": "application/xml"})[0] == 406
