"""An Accord concern in Chromium: a signatory raises one, the coordinator acknowledges it,
appoints a mediator and records the outcome, and the lesson shows on the public learning
page; then the coordinator records an open letter about a council with repeated breaches.
axe-core on every page on the way (the error summary too)."""

from playwright.sync_api import expect

from accord.clock import today_uk
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in, sign_out
from tests.registry.concerns.cases import repeated, sides  # noqa: F401 - the fixtures

TODAY = today_uk()


def test_raise_a_concern_through_to_a_recorded_outcome(page, server, sides, console_errors):  # noqa: F811
    def fill_date(name):
        for part, value in zip(range(3), (TODAY.day, TODAY.month, TODAY.year), strict=True):
            page.locator(f'input[name="{name}"]').nth(part).fill(str(value))

    sign_in(page, server, "raiser@example.org")
    page.goto(server + "/concerns/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a concern about the Accord")
    assert scan(page) == []
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("link", name="Enter what happened")).to_be_visible()
    assert scan(page) == []  # the error summary too
    page.get_by_label("Which organisation is the concern about?").select_option(
        label="Borderland Council"
    )
    page.locator('input[name="themes"]').first.check()
    page.get_by_label("What happened?").fill("Our grant was ended with two weeks' notice")
    page.get_by_label("What have you tried so far?").fill("We wrote to the commissioner")
    page.get_by_label("What would a good outcome be?").fill("Agree how notice is given")
    page.get_by_label("Yes, you may take this forward").check()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concern C-")
    assert scan(page) == []
    case = page.url
    sign_out(page, server)

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/concerns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accord concerns")
    assert scan(page) == []
    page.goto(case)
    assert scan(page) == []
    page.get_by_label("Acknowledged: the coordinator has").check()
    fill_date("stage-on")
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator("#stage")).to_have_text("Acknowledged")
    page.get_by_label("Mediator", exact=True).select_option(label="Alex Independent")
    fill_date("mediator-on")
    page.get_by_role("button", name="Appoint mediator").click()
    expect(page.locator("#stage")).to_have_text("Mediator appointed")
    assert scan(page) == []
    page.goto(server + "/concerns/mediators")
    expect(page.get_by_role("heading", level=1)).to_have_text("Independent mediators")
    assert scan(page) == []
    sign_out(page, server)

    sign_in(page, server, "council@example.org")
    page.goto(case)
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("link", name="Enter your statement")).to_be_visible()
    assert scan(page) == []
    page.get_by_label("Your statement").fill("The budget was cut in the middle of the year")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_text("The budget was cut in the middle of the year")).to_be_visible()
    assert scan(page) == []
    sign_out(page, server)

    sign_in(page, server, "coordinator@example.org")
    page.goto(case)
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("link", name="Select the outcome")).to_be_visible()
    assert scan(page) == []
    page.get_by_label("Resolved", exact=True).check()
    page.locator('input[name="outcome-breach"][value="no"]').check()
    page.get_by_label("Outcome shared with both organisations").fill("Notice will be 12 weeks")
    page.get_by_label("What we have learned (published)").fill("Talk before changing grants")
    fill_date("outcome-on")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator("#stage")).to_have_text("Outcome recorded")
    assert scan(page) == []
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("#stage")).to_have_text("Closed")
    sign_out(page, server)

    page.goto(server + "/accord/learning")
    expect(page.get_by_text("Talk before changing grants")).to_be_visible()
    expect(page.get_by_text("Borderland Council")).to_have_count(0)
    assert scan(page) == []
    assert console_errors == []


def test_record_an_open_letter(page, server, repeated, console_errors):  # noqa: F811
    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/concerns/")
    expect(page.get_by_role("heading", name="Repeated breaches")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="Record an open letter about Borderland Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an open letter")
    assert scan(page) == []
    page.get_by_label("Web address of the letter").fill("http://example.org/letter")
    page.get_by_role("button", name="Record the open letter").click()
    expect(page.get_by_role("link", name="Enter the date")).to_be_visible()
    assert scan(page) == []  # the error summary too
    for part, value in zip(range(3), (TODAY.day, TODAY.month, TODAY.year), strict=True):
        page.locator('input[name="published_on"]').nth(part).fill(str(value))
    page.get_by_label("Web address of the letter").fill("https://example.org/letter")
    page.get_by_role("button", name="Record the open letter").click()
    expect(page.get_by_role("link", name="https://example.org/letter")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []
