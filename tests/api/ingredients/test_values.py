"""``ingredient/{id}/get_values/`` and ``ingredientinfo/{id}/get_values/``: the arithmetic and
upstream's validation of ``amount`` and ``unit``."""

import pytest

# Test ingredient 1 (id 10001): 176 kcal, protein 25.63, carbohydrates 0.125, sugar 0,
# fat 8.19, saturated 3.244, fiber 0, sodium 0.549 per 100 g; unit 2 "Cup" = 223 g.


@pytest.mark.parametrize("resource", ["ingredient", "ingredientinfo"])
def test_values_in_grams(client, resource):
    body = client.get(f"/api/v2/{resource}/10001/get_values/?amount=150").get_json()
    assert body == {
        "energy": 264.0,  # 176 × 150 / 100
        "protein": 38.445,  # 25.63 × 1.5
        "carbohydrates": 0.1875,
        "carbohydrates_sugar": None,  # zero upstream means "not given"
        "fat": 12.285,
        "fat_saturated": 4.866,
        "fiber": None,
        "sodium": 0.8235,
    }


def test_values_in_a_weight_unit(client):
    body = client.get("/api/v2/ingredient/10001/get_values/?amount=1.5&unit=2").get_json()
    weight = 1.5 * 223  # 334.5 g
    assert body["energy"] == pytest.approx(176 * weight / 100)  # 588.72
    assert body["protein"] == pytest.approx(25.63 * weight / 100)
    assert body["sodium"] == pytest.approx(0.549 * weight / 100)


def test_a_real_row(client):
    body = client.get("/api/v2/ingredient/2/get_values/?amount=10.5").get_json()
    assert body["energy"] == pytest.approx(75.285)  # 717 × 0.105
    assert body["fat_saturated"] == pytest.approx(5.39364)
    assert body["fiber"] is None


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("", {"amount": ["This field is required."]}),
        ("amount=abc", {"amount": ["Enter a number."]}),
        ("amount=123456", {"amount": ["Ensure that there are no more than 5 digits in total."]}),
        ("amount=1.234", {"amount": ["Ensure that there are no more than 2 decimal places."]}),
        (
            "amount=1234.5",
            {"amount": ["Ensure that there are no more than 3 digits before the decimal point."]},
        ),
        (
            "amount=10&unit=x",
            {"unit": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        (
            "amount=nan&unit=x",
            {
                "amount": ["Enter a number."],
                "unit": ["Select a valid choice. That choice is not one of the available choices."],
            },
        ),
        # the arguments are loaded first (``rest.actions``): a unit of another ingredient is
        # named once the amount is valid
        ("amount=nan&unit=999", {"amount": ["Enter a number."]}),
    ],
)
def test_bad_parameters_are_400_per_field(client, query, errors):
    response = client.get(f"/api/v2/ingredient/10001/get_values/?{query}")
    assert response.status_code == 400
    assert response.get_json() == errors


def test_a_unit_of_another_ingredient_is_refused(client):
    response = client.get("/api/v2/ingredient/2/get_values/?amount=1&unit=2")
    assert response.status_code == 400
    assert set(response.get_json()) == {"unit"}


def test_unknown_ingredient_is_404(client):
    assert client.get("/api/v2/ingredient/999999/get_values/?amount=1").status_code == 404
    assert client.get("/api/v2/ingredient/x/get_values/?amount=1").status_code == 404


def test_values_read_only_the_ingredient_and_its_units(client, count_queries):
    """``ingredientinfo`` nests language, license and image; get_values needs none of them."""
    counts = {}
    for resource in ("ingredient", "ingredientinfo"):
        with count_queries() as counter:
            client.get(f"/api/v2/{resource}/10001/get_values/?amount=1&unit=2")
        counts[resource] = counter.count
    assert counts == {"ingredient": 2, "ingredientinfo": 2}
