"""Emails are templates: templates/emails/<room>/<name>.txt, the subject on the first line,
a blank line, then the body. Links in them come from the route table through
`absolute_url(endpoint, …)`, and user text goes through `|oneline` (no line breaks to forge
headers or fake paragraphs). Plain text, so Jinja does not HTML-escape it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from accord.models import OutboxMessage
from accord.outbox import queue_email


def oneline(text: object) -> str:
    """One line of user text for an email."""
    return " ".join(str(text).split())


def render(template: str, /, **context: Any) -> tuple[str, str]:
    """(subject, body) of templates/emails/<name>.txt."""
    # The Jinja environment itself, not render_template: pages' context processors (the
    # incident banner, navigation links) need a request, and cron sends email without one.
    text = current_app.jinja_env.get_template(f"emails/{template}.txt").render(context).strip()
    subject, _, body = text.partition("\n\n")
    return oneline(subject), body.strip() + "\n"


def queue(to: str, template: str, /, *, kind: str, **context: Any) -> OutboxMessage:
    """Render an email and add it to the outbox; the caller's commit keeps it with its change."""
    subject, body = render(template, **context)
    return queue_email(to, subject, body, kind=kind)
