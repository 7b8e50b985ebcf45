"""Open consultations, now: the consultations public bodies that have signed are running
today, the archive of closed ones with each body's published response ("You said, we did")
and how long it took, and the list as an Atom feed and as CSV for anyone to follow.

Theme 14 of the Shropshire Accord asks for 12-week formal consultations where appropriate
and for feedback on what was heard; a body allowing less says why.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from xml.etree import ElementTree

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from accord import accounts, audit, emails
from accord.clock import date_text, today_uk, utcnow
from accord.extensions import db
from accord.links import absolute_url
from accord.models import Role, User
from accord.text import csv_cell
from registry.notices.models import Consultation
from registry.notices.notices import meets_consultation_weeks

ARCHIVE_PAGE = 25
# Consultations that closed longer ago than this are not chased (a first run of the command
# on years of history asks nobody about old ones).
CLOSING_DAYS = 30
ATOM = "http://www.w3.org/2005/Atom"


def open_now(today: date | None = None) -> list[Consultation]:
    """Consultations running today, closing soonest first."""
    today = today or today_uk()
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.start_date <= today, Consultation.end_date >= today)
            .order_by(Consultation.end_date, Consultation.id)
        )
    )


def closed(page: int, today: date | None = None) -> Pagination:
    """Closed consultations, latest closing first, a page at a time."""
    today = today or today_uk()
    query = (
        select(Consultation)
        .where(Consultation.end_date < today)
        .order_by(Consultation.end_date.desc(), Consultation.id.desc())
    )
    return db.paginate(query, page=page, per_page=ARCHIVE_PAGE, error_out=False)


def days_left(consultation: Consultation, today: date | None = None) -> int:
    """Whole days until it closes: 0 on its last day."""
    return (consultation.end_date - (today or today_uk())).days


def response_days(consultation: Consultation) -> int | None:
    """Days from closing to the published response (None until there is one)."""
    if consultation.response_date is None:
        return None
    return (consultation.response_date - consultation.end_date).days


def may_respond(user: User, consultation: Consultation) -> bool:
    """The body that ran it (its members) or the coordinator records its response."""
    if user.has_role(Role.coordinator, Role.admin):
        return True
    return consultation.organisation_id in user.organisation_ids(Role.member)


def respond(
    user: User, consultation: Consultation, link: str, summary: str, published: date
) -> None:
    consultation.response_link = link
    consultation.response_summary = summary
    consultation.response_date = published
    audit.record(
        "consultation.response_recorded",
        "consultation",
        consultation.id,
        actor_id=user.id,
        details={"days_after_closing": response_days(consultation)},
    )


def send_closing(today: date | None = None) -> int:
    """Email the members of each body whose consultation closed in the last CLOSING_DAYS days
    without a response recorded: what people said deserves an answer ("You said, we did").
    Once for each consultation; the number emailed. The caller commits."""
    today = today or today_uk()
    due = select(Consultation).where(
        Consultation.end_date < today,
        Consultation.end_date >= today - timedelta(days=CLOSING_DAYS),
        Consultation.response_date.is_(None),
        Consultation.closing_told_on.is_(None),
    )
    sent = 0
    for consultation in db.session.scalars(due.with_for_update(skip_locked=True)):
        for address in accounts.member_emails(consultation.organisation_id):
            emails.queue(
                address,
                "registry/consultation_closed",
                kind="consultation-closed",
                consultation=consultation,
            )
        consultation.closing_told_on = today
        audit.record("consultation.closing_told", "consultation", consultation.id)
        sent += 1
    return sent


# --- the list for others to follow ----------------------------------------------------------


def _stamp(day: date) -> str:
    return datetime.combine(day, time(), UTC).isoformat().replace("+00:00", "Z")


def _updated(consultation: Consultation) -> date:
    """When an entry last changed for a reader: logged, or its response recorded."""
    logged = consultation.created_at.date()
    return max(logged, consultation.response_date or logged)


def atom(today: date | None = None) -> bytes:
    """The open consultations as an Atom 1.0 feed (RFC 4287): one entry each, closing soonest
    first, each linking to the consultation itself where there is a web address."""
    found = open_now(today)
    ElementTree.register_namespace("", ATOM)

    def add(parent: ElementTree.Element, tag: str, text: str = "", **attributes: str):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text or None
        return element

    page = absolute_url("notices.consultations")
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    add(feed, "id", page)
    add(feed, "title", "Shropshire Accord: open consultations")
    newest = max((_updated(c) for c in found), default=utcnow().date())
    add(feed, "updated", _stamp(newest))
    add(feed, "author").append(_named("The Shropshire Accord"))
    add(feed, "link", rel="alternate", type="text/html", href=page)
    add(feed, "link", rel="self", href=absolute_url("notices.consultations_atom"))
    for consultation in found:
        entry = add(feed, "entry")
        add(entry, "id", f"{page}#consultation-{consultation.id}")
        add(entry, "title", consultation.title)
        add(entry, "updated", _stamp(_updated(consultation)))
        add(entry, "published", _stamp(consultation.created_at.date()))
        author = add(entry, "author")
        author.append(_named(consultation.organisation.name))
        target = consultation.link if _web(consultation.link) else page
        add(entry, "link", rel="alternate", href=target)
        add(entry, "summary", _summary(consultation))
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _named(name: str) -> ElementTree.Element:
    element = ElementTree.Element(f"{{{ATOM}}}name")
    element.text = name
    return element


def _web(link: str) -> bool:
    return link.lower().startswith(("http://", "https://"))


def _summary(consultation: Consultation) -> str:
    weeks = meets_consultation_weeks(consultation.start_date, consultation.end_date)
    text = (
        f"Run by {consultation.organisation.name}. Open from "
        f"{date_text(consultation.start_date)} to {date_text(consultation.end_date)}: "
        + ("12 weeks or more." if weeks else "less than 12 weeks.")
    )
    if not weeks and consultation.short_reason:
        text += f" Why: {consultation.short_reason}"
    return text


CSV_COLUMNS = [
    "title",
    "run_by",
    "opens",
    "closes",
    "status",
    "twelve_weeks",
    "reason_if_shorter",
    "link",
    "response_link",
    "response_summary",
    "response_published",
    "days_to_respond",
]


def to_csv(today: date | None = None) -> str:
    """Every consultation logged, open and closed, latest closing first."""
    today = today or today_uk()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    query = select(Consultation).order_by(Consultation.end_date.desc(), Consultation.id.desc())
    for c in db.session.scalars(query):
        status = "open" if c.start_date <= today <= c.end_date else "closed"
        status = "not yet open" if c.start_date > today else status
        days = response_days(c)
        row = [
            c.title,
            c.organisation.name,
            c.start_date.isoformat(),
            c.end_date.isoformat(),
            status,
            "yes" if meets_consultation_weeks(c.start_date, c.end_date) else "no",
            c.short_reason,
            c.link,
            c.response_link,
            c.response_summary,
            c.response_date.isoformat() if c.response_date else "",
            "" if days is None else days,
        ]
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
