"""exercise-submission/: one atomic request; its quota; and check-language/."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.catalogue.conftest import ENGLISH, GERMAN
from wger_flask.extensions import db


def submission(**extra):
    return {
        "category": 10,
        "muscles": [1, 2],
        "muscles_secondary": [3],
        "equipment": [3],
        "license_author": "Ann",
        "translations": [
            {
                "name": "Floor press",
                "description_source": ENGLISH,
                "language": 2,
                "aliases": [{"alias": "Floor bench"}],
                "comments": [{"comment": "Elbows at 45 degrees"}],
                "license_author": "Ann",
            },
            {
                "name": "Bodendrücken",
                "description_source": GERMAN,
                "language": 1,
                "aliases": [{"alias": "Boden-Bankdrücken"}],
            },
        ],
        **extra,
    }


def counts(app):
    from wger_flask.models.catalogue import Alias, Exercise, ExerciseComment, Translation

    with app.app_context():
        return tuple(
            db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Exercise, Translation, Alias, ExerciseComment)
        )


def test_submission_creates_everything(client, trusted):
    response = client.post("/api/v2/exercise-submission/", json=submission(), headers=trusted)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["category"] == 10 and body["muscles"] == [1, 2] and body["equipment"] == [3]
    assert body["license"] == 2 and body["license_author"] == "Ann"
    assert [t["name"] for t in body["translations"]] == ["Floor press", "Bodendrücken"]
    assert "aliases" not in body["translations"][0]

    info = client.get(f"/api/v2/exerciseinfo/{body['id']}/").get_json()
    english = next(t for t in info["translations"] if t["language"] == 2)
    assert english["description"].startswith("<p>Lie on the bench")
    assert [a["alias"] for a in english["aliases"]] == ["Floor bench"]
    assert [n["comment"] for n in english["notes"]] == ["Elbows at 45 degrees"]
    assert info["total_authors_history"] == ["Ann"]
    # visible in the very next list read, too
    page = client.get("/api/v2/exercise/?limit=1&offset=0&ordering=-id").get_json()
    assert page["results"][0]["id"] == body["id"]


def test_a_failing_part_leaves_nothing_behind(app, client, trusted):
    before = counts(app)
    bad_language = submission()
    bad_language["translations"][1]["language"] = 12  # German text declared French
    bad_alias = submission()
    bad_alias["translations"][1]["aliases"] = [{"alias": "x" * 201}]
    bad_muscle = submission(muscles=[1, 99999])
    for body in (bad_language, bad_alias, bad_muscle):
        response = client.post("/api/v2/exercise-submission/", json=body, headers=trusted)
        assert response.status_code == 400
    assert (
        "translations"
        in client.post(
            "/api/v2/exercise-submission/", json=bad_language, headers=trusted
        ).get_json()
    )
    assert counts(app) == before


def test_english_is_required(app, client, trusted):
    body = submission()
    body["translations"] = body["translations"][1:]
    response = client.post("/api/v2/exercise-submission/", json=body, headers=trusted)
    assert response.status_code == 400
    assert "English" in response.get_json()["translations"][0]
    empty = client.post(
        "/api/v2/exercise-submission/", json=submission(translations=[]), headers=trusted
    )
    assert empty.status_code == 400


def test_only_contributors_submit(client, user, auth_headers):
    assert client.post("/api/v2/exercise-submission/", json=submission()).status_code == 401
    response = client.post(
        "/api/v2/exercise-submission/", json=submission(), headers=auth_headers(user)
    )
    assert response.status_code == 403
    assert client.get("/api/v2/exercise-submission/", headers=auth_headers(user)).status_code == 405


def test_variations_connect_to_joins_the_group(client, trusted):
    body = submission(variations_connect_to=9)
    created = client.post("/api/v2/exercise-submission/", json=body, headers=trusted).get_json()
    group = client.get("/api/v2/exercise/9/").get_json()["variation_group"]
    assert group is not None and created["variation_group"] == group


# distinct exercises (a second "Floor press" would be refused as a near-duplicate name)
DISTINCT = [
    ("Floor press", "Bodendrücken"),
    ("Quokka lift", "Quokka-Heben"),
    ("Narwhal raise", "Narwal-Drücken"),
    ("Pangolin row", "Schuppentier-Rudern"),
    ("Axolotl curl", "Axolotl-Beugen"),
    ("Okapi hinge", "Okapi-Beuge"),
]


def distinct_submission(number: int) -> dict:
    english, german = DISTINCT[number]
    made = submission()
    made["translations"][0]["name"], made["translations"][1]["name"] = english, german
    return made


def test_submissions_are_limited_per_hour(app, client, trusted, user, auth_headers, grant):
    app.config["RATE_LIMITS"]["exercise_submission"] = "2/hour"
    try:
        for number in range(2):
            ok = client.post(
                "/api/v2/exercise-submission/", json=distinct_submission(number), headers=trusted
            )
            assert ok.status_code == 201, ok.get_json()
        refused = client.post(
            "/api/v2/exercise-submission/", json=distinct_submission(2), headers=trusted
        )
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        # the add permission is exempt
        grant(user, "exercise.add")
        for number in range(3, 6):
            response = client.post(
                "/api/v2/exercise-submission/",
                json=distinct_submission(number),
                headers=auth_headers(user),
            )
            assert response.status_code == 201, response.get_json()
    finally:
        app.config["RATE_LIMITS"]["exercise_submission"] = "20/hour"


def test_check_language(client):
    ok = client.post("/api/v2/check-language/", json={"input": ENGLISH, "language": 2})
    assert ok.status_code == 200 and ok.get_json() == {"result": True}
    by_code = client.post("/api/v2/check-language/", json={"input": GERMAN, "language_code": "de"})
    assert by_code.get_json() == {"result": True}
    wrong = client.post("/api/v2/check-language/", json={"input": GERMAN, "language": 2})
    assert wrong.status_code == 400
    check = wrong.get_json()["check"]
    assert check["result"] is False and check["detected_language"] == "de"


def test_check_language_bad_input(client):
    short = client.post("/api/v2/check-language/", json={"input": "short", "language": 2})
    assert short.status_code == 400 and "input" in short.get_json()
    unknown = client.post("/api/v2/check-language/", json={"input": ENGLISH, "language": 999})
    assert unknown.status_code == 400 and "language" in unknown.get_json()
    missing = client.post("/api/v2/check-language/", json={"input": ENGLISH})
    assert missing.status_code == 400 and "language" in missing.get_json()


def test_a_submission_repeating_a_name_is_refused_naming_it(client, trusted):
    first = client.post("/api/v2/exercise-submission/", json=submission(), headers=trusted)
    assert first.status_code == 201
    again = submission()
    again["translations"][0]["name"] = "Floor-press"
    again["translations"][1]["name"] = "Narwal-Drücken"
    refused = client.post("/api/v2/exercise-submission/", json=again, headers=trusted)
    assert refused.status_code == 400
    english, german = refused.get_json()["translations"]
    assert list(english) == ["name"] and '"Floor press"' in english["name"][0]
    assert german == {}


def test_a_submitted_comment_in_another_language_is_refused(client, trusted):
    made = distinct_submission(1)
    made["translations"][0]["comments"] = [{"comment": "Halte den Rücken immer gerade"}]
    refused = client.post("/api/v2/exercise-submission/", json=made, headers=trusted)
    assert refused.status_code == 400
    english = refused.get_json()["translations"][0]
    assert english["language"][0].startswith("The comment seems to be in another language")
    made["translations"][1]["comments"] = made["translations"][0].pop("comments")
    assert (
        client.post("/api/v2/exercise-submission/", json=made, headers=trusted).status_code == 201
    )


@pytest.mark.parametrize("language", [99999, 2**40, 2**63, -(2**63) - 1, 10**30])
def test_check_language_with_an_unknown_language_id_names_it(client, language):
    response = client.post("/api/v2/check-language/", json={"input": ENGLISH, "language": language})
    assert response.status_code == 400 and list(response.get_json()) == ["language"]
