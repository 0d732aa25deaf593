"""Ingredient search: ``name__search`` ranking, barcodes first, ``language__code`` rules."""

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this module's tests


def names(client, query: str) -> list[str]:
    body = client.get(f"/api/v2/ingredient/?{query}&limit=50").get_json()
    return [row["name"] for row in body["results"]]


def test_ranking_exact_prefix_word_substring_shorter_first(client, make_ingredient):
    for name in (
        "Quuxberry jam, extra long name",
        "Dried quuxberry",
        "Quuxberry",
        "Wild quuxberry mix",
        "Quuxberry jam",
        "Superquuxberry",
        "Quuxberry pie",
    ):
        make_ingredient(name=name)
    assert names(client, "name__search=QUUXBERRY") == [
        "Quuxberry",  # exact (case-insensitive)
        "Quuxberry jam",  # prefix, shorter first
        "Quuxberry pie",
        "Quuxberry jam, extra long name",
        "Dried quuxberry",  # a word starting with the term
        "Wild quuxberry mix",
        "Superquuxberry",  # substring
    ]


def test_search_counts_are_exact_and_pages_follow_the_ranking(client, make_ingredient):
    for index in range(7):
        make_ingredient(name=f"Zorbleberry {'x' * index}")
    body = client.get("/api/v2/ingredient/?name__search=zorbleberry&limit=3&offset=3").get_json()
    assert body["count"] == 7
    assert [row["name"] for row in body["results"]] == [
        "Zorbleberry xxx",
        "Zorbleberry xxxx",
        "Zorbleberry xxxxx",
    ]


def test_search_is_case_insensitive_beyond_ascii(client, make_ingredient):
    make_ingredient(name="Äpfelquux CRÈME")
    assert names(client, "name__search=äpfelquux crème") == ["Äpfelquux CRÈME"]
    assert names(client, "name__search=ÄPFELQ") == ["Äpfelquux CRÈME"]


def test_short_terms_and_special_characters(client, make_ingredient):
    make_ingredient(name="Qx 100% juice_mix")
    assert names(client, "name__search=qx") == ["Qx 100% juice_mix"]
    assert names(client, "name__search=0%25 juice_") == ["Qx 100% juice_mix"]
    assert names(client, 'name__search="qx') == []
    assert names(client, "name__search=%25%25%25") == []


def test_explicit_ordering_replaces_the_ranking(client, make_ingredient):
    make_ingredient(name="Plumbix")
    make_ingredient(name="Aaa plumbix")
    assert names(client, "name__search=plumbix&ordering=name") == ["Aaa plumbix", "Plumbix"]
    assert names(client, "name__search=plumbix") == ["Plumbix", "Aaa plumbix"]


def test_a_barcode_shaped_term_finds_the_barcode_first(client, make_ingredient):
    code = "4006381333931"
    found = make_ingredient(name="Barcoded food", code=code)
    make_ingredient(name=f"Label {code}")
    body = client.get(f"/api/v2/ingredient/?name__search={code}").get_json()
    assert [row["id"] for row in body["results"]] == [found]
    # Not a known barcode: an ordinary name search.
    assert names(client, "name__search=40063813") == [f"Label {code}"]
    # Not barcode-shaped (9 digits): names only.
    assert names(client, "name__search=400638133") == [f"Label {code}"]


def test_language_codes_filter_and_ignore_unknown_codes(client, make_ingredient):
    make_ingredient(name="Glimberry", language_id=1)
    make_ingredient(name="Glimberry", language_id=2)
    make_ingredient(name="Glimberry", language_id=12)

    def languages(codes: str) -> list[int]:
        body = client.get(f"/api/v2/ingredient/?name__search=glimberry&{codes}").get_json()
        return sorted(row["language"] for row in body["results"])

    assert languages("language__code=de") == [1]
    assert languages("language__code=de,fr") == [1, 12]
    assert languages("language__code=de,xx") == [1]
    assert languages("language__code=xx,yy") == [1, 2, 12]  # only unknown: no filter
    assert languages("") == [1, 2, 12]


def test_ingredientinfo_and_sync_search_alike(client, make_ingredient):
    make_ingredient(name="Vexberry")
    info = client.get("/api/v2/ingredientinfo/?name__search=vexberry").get_json()
    sync = client.get("/api/v2/ingredient-sync/?name__search=vexberry").get_json()
    assert [row["name"] for row in info["results"]] == ["Vexberry"]
    assert [row["name"] for row in sync["results"]] == ["Vexberry"]


def test_the_shipped_catalogue_search(client):
    body = client.get("/api/v2/ingredient/?name__search=butter&limit=3").get_json()
    assert body["count"] > 100
    assert body["results"][0]["name"] == "Butter, salted"
    assert all("butter" in row["name"].lower() for row in body["results"])


def test_kept_search_results_are_reused_until_the_table_changes(
    client, make_ingredient, count_queries, app
):
    from wger_flask.extensions import db
    from wger_flask.models.ingredients import Ingredient

    first_id = make_ingredient(name="Wobbleberry")
    url = "/api/v2/ingredient/?name__search=wobbleberry"
    with count_queries() as cold:
        assert client.get(url).get_json()["count"] == 1
    with count_queries() as warm:
        assert client.get(url).get_json()["count"] == 1
    assert warm.count < cold.count  # the ranking was kept: no search pass
    make_ingredient(name="Wobbleberry pie")
    assert names(client, "name__search=wobbleberry") == ["Wobbleberry", "Wobbleberry pie"]
    with app.app_context():
        db.session.get(Ingredient, first_id).name = "Renamed"
        db.session.commit()
    assert names(client, "name__search=wobbleberry") == ["Wobbleberry pie"]


def test_kept_filtered_counts_follow_writes(client, make_ingredient):
    url = "/api/v2/ingredient/?language=33&limit=1"
    before = client.get(url).get_json()["count"]
    make_ingredient(name="Finnish food", language_id=33)
    assert client.get(url).get_json()["count"] == before + 1
