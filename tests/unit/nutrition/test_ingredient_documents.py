"""The ingredients nutrition nests come from the catalogue's own rendering
(``services.ingredients.info_documents``): the same objects as ``ingredientinfo/{id}/``."""


def test_info_documents_are_the_ingredientinfo_detail(app, client):
    from wger_flask.services import ingredients

    ids = [row["id"] for row in client.get("/api/v2/ingredient/?limit=3").get_json()["results"]]
    with app.test_request_context("/"):
        documents = ingredients.info_documents([*ids, ids[0], 10**9], "http://localhost/")
    assert sorted(documents) == sorted(ids)  # each once; an unknown id is left out
    for pk in ids:
        assert documents[pk] == client.get(f"/api/v2/ingredientinfo/{pk}/").get_json()


def test_no_ids_no_statement(app, count_queries):
    from wger_flask.services import ingredients

    with app.test_request_context("/"), count_queries() as counter:
        assert ingredients.info_documents([], "http://localhost/") == {}
    assert counter.count == 0
