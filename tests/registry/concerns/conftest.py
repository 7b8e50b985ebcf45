"""The concern fixtures for every test here (tests/e2e imports them from cases.py too)."""

from tests.registry.concerns.cases import repeated, sides  # noqa: F401
