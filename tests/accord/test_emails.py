"""Emails are rendered from templates: subject line, body, links from the route table."""

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
