"""The nutrition API tests' fixtures (two hand-computable ingredients), for the writer tests."""

from tests.api.ingredient_factory import make_ingredient  # noqa: F401 (a fixture)
from tests.api.nutrition.conftest import foods  # noqa: F401 (a fixture)
