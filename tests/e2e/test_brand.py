"""Not a GOV.UK service, as a browser shows it: no crown or crest in the header or footer,
no link to the Crown copyright page, not the GOV.UK typeface, the service's own icon."""

from __future__ import annotations

from playwright.sync_api import expect


def test_header_and_footer_are_the_services_own(page, server):
    page.goto(server + "/")
    header = page.locator("header.govuk-template__header")
    expect(header.get_by_role("link", name="Shropshire Accord Hub")).to_be_visible()
    footer = page.locator("footer.govuk-template__footer")
    expect(footer).to_contain_text("© Shropshire Accord partners")
    assert page.locator("svg.govuk-logo, .govuk-footer__crown").count() == 0
    assert footer.locator("a[href*='crown-copyright']").count() == 0
    # No crest drawn by the stylesheet either: nothing in the footer has a ::before image.
    drawn = footer.evaluate(
        """f => [...f.querySelectorAll('*')].filter(e => {
            const s = getComputedStyle(e, '::before');
            return s.content !== 'none' && (s.maskImage !== 'none' || s.backgroundImage !== 'none'
                || parseInt(s.paddingTop) > 50);
        }).length"""
    )
    assert drawn == 0
    for text in (page.locator("main p").first, footer.locator("a").first):
        font = text.evaluate("e => getComputedStyle(e).fontFamily").lower()
        assert "gds transport" not in font and font.startswith("arial"), font
    icon = page.locator("link[rel='icon']")
    assert icon.get_attribute("href") == "/static/favicon.svg"
