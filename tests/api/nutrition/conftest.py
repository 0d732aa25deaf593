"""Nutrition fixtures: two hand-computable ingredients and ``api`` helpers that build a plan."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api import ingredient_factory

D = decimal.Decimal
make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this folder's tests


@dataclass
class Foods:
    """Bread (with a 35 g slice; no fiber figure) and an apple (no sugar, saturated fat or
    sodium figures): values per 100 g chosen so every result is exact in decimals."""

    bread: int
    slice: int
    apple: int
    apple_piece: int


@pytest.fixture
def foods(client, make_ingredient) -> Foods:
    bread = make_ingredient(
        "Bread",
        units=[("slice", 35)],
        energy=250,
        protein=D("12.5"),
        carbohydrates=D("30"),
        carbohydrates_sugar=D("5"),
        fat=D("8"),
        fat_saturated=D("2.5"),
        fiber=None,
        sodium=D("0.4"),
    )
    apple = make_ingredient(
        "Apple",
        units=[("piece", 180)],
        energy=80,
        protein=D("1.2"),
        carbohydrates=D("18"),
        carbohydrates_sugar=None,
        fat=D("0.3"),
        fat_saturated=None,
        fiber=D("2.4"),
        sodium=None,
    )
    return Foods(bread, unit_of(client, bread), apple, unit_of(client, apple))


def unit_of(client: Any, ingredient_id: int) -> int:
    """The id of the (only) weight unit of an ingredient."""
    units = client.get(f"/api/v2/ingredientweightunit/?ingredient={ingredient_id}").get_json()
    return units["results"][0]["id"]


class Api:
    """POSTs that must succeed, returning the created object."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def post(self, resource: str, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"/api/v2/{resource}/", json=body, headers=self.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def plan(self, **body: Any) -> dict[str, Any]:
        return self.post("nutritionplan", **body)

    def meal(self, plan: dict, **body: Any) -> dict[str, Any]:
        return self.post("meal", plan=plan["id"], **body)

    def item(self, meal: dict, ingredient: int, amount: str, **body: Any) -> dict[str, Any]:
        return self.post("mealitem", meal=meal["id"], ingredient=ingredient, amount=amount, **body)

    def log(self, plan: dict, ingredient: int, amount: str, **body: Any) -> dict[str, Any]:
        return self.post(
            "nutritiondiary", plan=plan["id"], ingredient=ingredient, amount=amount, **body
        )


@pytest.fixture
def api(client, alice) -> Api:
    return Api(client, alice)


@pytest.fixture
def mallory_api(client, mallory) -> Api:
    return Api(client, mallory)
