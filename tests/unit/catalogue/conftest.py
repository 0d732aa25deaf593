"""The contribution tests' fixtures (granted permissions), for the rule and writer tests."""

from tests.api.catalogue.conftest import grant  # noqa: F401 (a fixture)
