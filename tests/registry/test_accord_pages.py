"""/accord shows the current text by theme with its version; earlier versions stay readable."""

from pathlib import Path

from registry.publish import CONTENT


def publish(app, path: Path, version: str):
    return app.test_cli_runner().invoke(args=["accord", "publish", str(path), "--version", version])


def test_publish_command_and_the_accord_page(app, client):
    result = publish(app, CONTENT / "accord-2025.md", "2025")
    assert result.exit_code == 0, result.output
    assert "15 themes" in result.output
    page = client.get_page("/accord")
    assert page.h1.get_text(strip=True) == "The Shropshire Accord"
    assert "Version 2025" in page.get_text()
    headings = [h.get_text(" ", strip=True) for h in page.find_all("h2")]
    assert "Theme 9: System working, signposting and referrals" in headings
    assert "Theme 15: Emergency and disaster" in headings
    assert "Accord in Action" in headings
    assert len(page.find_all("h3", string="We will all")) == 15


def test_a_new_version_keeps_the_old_one_readable(app, client, tmp_path):
    publish(app, CONTENT / "accord-2025.md", "2025")
    revised = (CONTENT / "accord-2025.md").read_text(encoding="utf-8")
    revised = revised.replace("version: 2025", "version: 2027")
    (tmp_path / "accord-2027.md").write_text(revised, encoding="utf-8")
    assert publish(app, tmp_path / "accord-2027.md", "2027").exit_code == 0

    assert "Version 2027" in client.get_page("/accord").get_text()
    old = client.get_page("/accord/versions/2025")
    assert "This is an earlier version of the Accord" in old.get_text()
    client.get_page("/accord/versions/1999", status=404)


def test_publishing_a_broken_file_says_why(app, tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text("no front matter here", encoding="utf-8")
    result = publish(app, broken, "2026")
    assert result.exit_code != 0
    assert "must start with a '---'" in result.output


def test_no_accord_yet_is_a_404_page(client):
    client.get_page("/accord", status=404)


def test_a_reader_can_sign_from_the_top_the_end_and_the_side_of_the_accord(app, client):
    publish(app, CONTENT / "accord-2025.md", "2025")
    page = client.get_page("/accord")
    signing = [a for a in page.find_all("a") if a.get("href") == "/accord/sign"]
    main_text = page.select_one(".govuk-grid-column-two-thirds")
    side = page.select_one(".govuk-grid-column-one-third")
    buttons = main_text.select("a.govuk-button--start[href='/accord/sign']")
    assert len(buttons) == 2  # before the contents and after the last section
    assert buttons[-1].find_previous("section") is not None
    assert side.select("a[href='/accord/sign']")
    assert len(signing) == 3
    # An earlier version is for reading, not signing.
    publish(app, CONTENT / "accord-2025.md", "2027")
    assert not client.get_page("/accord/versions/2025").select("a[href='/accord/sign']")


def test_the_accord_page_shows_its_own_publication_details_only(app, client):
    publish(app, CONTENT / "accord-2025.md", "2025")
    text = client.get_page("/accord").get_text(" ", strip=True)
    assert "By Shropshire Council and the Shropshire VCS Assembly" in text
    # Where our copy of the file came from, and the day it was loaded, are not the Accord's.
    assert "seed text" not in text and "Source:" not in text
    assert "Published" not in text
