"""Emails are rendered from templates: subject line, body, links from the route table."""

import threading

from flask import has_request_context

from accord import emails


def test_an_email_template_gives_a_subject_and_a_body(app, tmp_path):
    app.jinja_loader.loaders[0].searchpath.append(str(tmp_path))
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "sample.txt").write_text(
        "About {{ name|oneline }}\n\nHello {{ name }},\n<b>not HTML</b>\n"
        "{{ absolute_url('registry.accord') }}\n"
    )
    with app.test_request_context("/", base_url="http://localhost"):
        subject, body = emails.render("sample", name="Ann\nBcc: x@example.org")
    assert subject == "About Ann Bcc: x@example.org"
    assert "<b>not HTML</b>" in body
    assert "http://localhost/accord\n" in body


def test_cron_renders_emails_outside_any_request(make_app, tmp_path):
    """`flask directory remind` and the flag-overdue commands email with no request: the
    pages' context processors (banners, navigation) must not run, and links use the public
    base. A new thread starts with no request context (pytest-flask pushes one in this one)."""
    other = make_app(PUBLIC_BASE_URL="https://accord.example.org")
    other.jinja_loader.loaders[0].searchpath.append(str(tmp_path))
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "cron.txt").write_text(
        "Check {{ name|oneline }}\n\n{{ absolute_url('directory.edit_service', service_id=7) }}\n"
    )
    seen = {}

    def cron():
        with other.app_context():
            seen["request"] = has_request_context()
            seen["email"] = emails.render("cron", name="Food Hub")

    worker = threading.Thread(target=cron)
    worker.start()
    worker.join()
    assert seen["request"] is False
    assert seen["email"] == (
        "Check Food Hub",
        "https://accord.example.org/directory/services/7/edit\n",
    )
