"""Fixtures the emergency tests share."""

from __future__ import annotations

import pytest

from tests.emergency.callouts import helpers


@pytest.fixture
def cvec(client, make):
    """The test client, signed in as a CVEC coordinator (cvec@example.org)."""
    return helpers.cvec(client, make)
