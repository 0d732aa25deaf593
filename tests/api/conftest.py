"""Fixtures the API tests share beyond the app-wide ones in ``tests/conftest.py``."""

import pytest


@pytest.fixture
def alice(user, auth_headers):
    """Bearer headers of the user who owns the data under test."""
    return auth_headers(user)


@pytest.fixture
def mallory(other_user, auth_headers):
    """Bearer headers of another user, the attacker in ownership tests."""
    return auth_headers(other_user)
