"""The sign-up's answers wait server-side: the session cookie holds only a draft's key, so
long answers in any script never push it past the browsers' 4 KB limit."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from accord.clock import utcnow
from accord.extensions import db
from registry.signatories import drafts
from registry.signatories.models import SignUp, SignUpDraft
from tests.registry.signatories.journey import ANSWERS, answer, publish_accord

# Every free-text answer at (about) its longest, in Welsh, Chinese and emoji: over 1,100
# characters, which the session cookie's JSON writes as 6–12 bytes each (\u escapes).
LONG = {
    "name": ("Cymdeithas Gymunedol Llanfair 🌿 社区食品银行" * 10)[:200].strip(),
    "address": ("社区食品银行，什罗普郡" * 50)[:250] + "\n" + ("🏠🌳🚲" * 100)[:249].strip(),
    "town": ("Llanfair Waterdine ŵŷ 什罗普郡" * 10)[:100].strip(),
    "signer_name": ("Siân Prŷs-Ellis 李小龙 " * 10)[:120].strip(),
    "signer_position": ("Cadeirydd yr ymddiriedolwyr ✨ 主席" * 10)[:120].strip(),
    "lead_name": ("李小龙 " * 40)[:120].strip(),
}


def session_cookies(app, response) -> list[str]:
    name = app.config["SESSION_COOKIE_NAME"]
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


def test_long_non_ascii_answers_survive_to_submission_with_a_small_cookie(app, client):
    publish_accord()
    assert len(json.dumps(LONG)) > 6000
    cookies = []
    for step, data in ANSWERS.items():
        response = answer(client, step, {**data, **{k: v for k, v in LONG.items() if k in data}})
        assert response.status_code == 302, step
        cookies += session_cookies(app, response)
    assert cookies and all(len(cookie) < 1000 for cookie in cookies)

    # The session holds the draft's key and nothing the signer typed.
    value = cookies[-1].split(";", 1)[0].split("=", 1)[1]
    session = app.session_interface.get_signing_serializer(app).loads(value)
    draft = db.session.scalar(select(SignUpDraft))
    assert session["signup"] == {"draft": draft.key}
    assert "Siân" not in str(session) and len(draft.key) >= 40

    check = client.get_page("/accord/sign/check").get_text()
    for key in ("name", "town", "signer_name", "signer_position", "lead_name"):
        assert LONG[key] in check, key
    response = client.submit("/accord/sign/check", {})
    assert response.location == "/accord/sign/sent"
    record = db.session.scalar(select(SignUp))
    assert {key: getattr(record, key) for key in LONG} == LONG
    # Submitted: the draft is gone.
    assert db.session.scalar(select(func.count(SignUpDraft.id))) == 0


def test_an_expired_draft_is_not_used_and_is_purged(app, client):
    publish_accord()
    answer(client, "organisation", ANSWERS["organisation"])
    draft = db.session.scalar(select(SignUpDraft))
    draft.expires_at = utcnow() - timedelta(seconds=1)
    expired = draft.key
    db.session.commit()
    assert client.get("/accord/sign/check").location == "/accord/sign/organisation"
    assert client.get_page("/accord/sign/organisation").find("input", attrs={"name": "name"}).get(
        "value"
    ) in (None, "")

    # Someone else starting a sign-up clears the abandoned one away.
    other = app.test_client()
    answer(other, "organisation", ANSWERS["organisation"])
    keys = db.session.scalars(select(SignUpDraft.key)).all()
    assert len(keys) == 1 and keys[0] != expired


def test_each_step_gives_the_draft_another_day(app, client):
    publish_accord()
    answer(client, "organisation", ANSWERS["organisation"])
    draft = db.session.scalar(select(SignUpDraft))
    assert timedelta(hours=23) < draft.expires_at - utcnow() <= drafts.LIFETIME
    draft.expires_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    answer(client, "address", ANSWERS["address"])
    db.session.refresh(draft)
    assert draft.expires_at - utcnow() > timedelta(hours=23)
    assert drafts.purge_expired() == 0


def test_a_made_up_key_finds_nothing(app, client):
    publish_accord()
    answer(client, "organisation", ANSWERS["organisation"])
    with client.session_transaction() as session:
        session["signup"] = {"draft": "not-a-key"}
    assert client.get("/accord/sign/check").location == "/accord/sign/organisation"
    assert drafts.find(None) is None and drafts.find(["x"]) is None
