"""Signing in and out through the pages, as a person does, for the browser journeys."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, server: str, email: str) -> None:
    """Through the sign-in form with the factories' password; returns once signed in."""
    page.goto(server + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page, server: str) -> None:
    page.goto(server + "/account")
    page.get_by_role("button", name="Sign out").click()
