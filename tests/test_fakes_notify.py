"""The fake GOV.UK Notify (tests/fakes/notify.py), driven by the real notifications client."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.errors import HTTP503Error, HTTPError
from werkzeug.wrappers import Request, Response

from tests.fakes.notify import DAILY_LIMIT_BODY, FakeNotify, api_key
from tests.fakes.server import LocalServer

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
REPLY_TO = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
MOBILE = "07700 900123"  # Ofcom's drama range: never a real phone
OTHER_MOBILE = "+447700900456"
WRONG = "9c1d0e2f-4b3a-4c5d-9e8f-7a6b5c4d3e2f"  # neither the fake's service id nor its secret


@pytest.fixture
def fake():
    with FakeNotify() as server:
        yield server


@pytest.fixture
def client(fake):
    return NotificationsAPIClient(FakeNotify.API_KEY, base_url=fake.url, timeout=5)


class Receiver(LocalServer):
    """Our side of a callback: records what arrives, answers `status`."""

    def __init__(self, status: int = 204):
        super().__init__()
        self.status = status
        self.received: list[dict] = []

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.received.append(
            {"path": request.path, "headers": dict(request.headers), "body": request.get_data()}
        )
        return Response(status=self.status)(environ, start_response)


def error_of(raised: pytest.ExceptionInfo) -> tuple[int, list[dict]]:
    """(status, Notify's errors) of the client's HTTPError."""
    return raised.value.status_code, raised.value.response.json()["errors"]


def raw_post(fake: FakeNotify, path: str, body, token: str | None = None) -> requests.Response:
    """A send the client would never make (it always sends JSON with a template id)."""
    token = token or create_jwt_token(fake.secret, fake.service_id)
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return requests.post(fake.url + path, data=data, headers=headers, timeout=5)


def test_an_sms_sent_through_the_real_client_is_answered_and_recorded(fake, client):
    answer = client.send_sms_notification(
        MOBILE, TEMPLATE, personalisation={"name": "Ann"}, reference="alert-42"
    )
    assert set(answer) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert str(uuid.UUID(answer["id"])) == answer["id"]
    assert answer["reference"] == "alert-42" and answer["scheduled_for"] is None
    assert set(answer["content"]) == {"body", "from_number"}
    assert answer["uri"] == f"{fake.url}/v2/notifications/{answer['id']}"
    assert answer["template"] == {
        "id": TEMPLATE,
        "version": 1,
        "uri": f"{fake.url}/services/{fake.service_id}/templates/{TEMPLATE}",
    }
    (sent,) = fake.sent
    created_at = sent.pop("created_at")
    assert created_at.endswith("Z") and created_at[:4].isdigit()
    assert sent == {
        "id": answer["id"],
        "type": "sms",
        "to": MOBILE,
        "template_id": TEMPLATE,
        "personalisation": {"name": "Ann"},
        "reference": "alert-42",
        "sms_sender_id": None,
    }
    assert fake.status_of(answer["id"]) == "created"


def test_an_email_sent_through_the_real_client_is_answered_and_recorded(fake, client):
    answer = client.send_email_notification(
        "clerk@shropshire.gov.uk", TEMPLATE, {"name": "Ann"}, "r-1", email_reply_to_id=REPLY_TO
    )
    assert set(answer["content"]) >= {"subject", "body", "from_email"}
    assert answer["content"]["from_email"] == fake.from_email
    (sent,) = fake.sent
    assert (sent["type"], sent["to"], sent["reference"]) == (
        "email",
        "clerk@shropshire.gov.uk",
        "r-1",
    )
    assert sent["email_reply_to_id"] == REPLY_TO and sent["id"] == answer["id"]
    fake.sent.clear()  # a copy: the record itself is untouched
    assert len(fake.sent) == 1


def test_known_templates_are_rendered_and_their_placeholders_required(fake, client):
    fake.templates = {TEMPLATE: {"subject": "Hello ((name))", "body": "Flood at ((Place))"}}
    answer = client.send_email_notification(
        "a@example.org", TEMPLATE, {"name": "Ann", "place": "Ludlow"}
    )
    assert answer["content"]["subject"] == "Hello Ann"
    assert answer["content"]["body"] == "Flood at Ludlow"
    with pytest.raises(HTTPError) as raised:
        client.send_email_notification("a@example.org", TEMPLATE, {"name": "Ann"})
    assert error_of(raised) == (
        400,
        [{"error": "BadRequestError", "message": "Missing personalisation: Place"}],
    )
    with pytest.raises(HTTPError) as raised:
        client.send_sms_notification(MOBILE, str(uuid.uuid4()))
    assert error_of(raised) == (
        400,
        [{"error": "BadRequestError", "message": "Template not found"}],
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (api_key(secret=WRONG), "Invalid token: API key not found"),
        (api_key(service_id=WRONG), "Invalid token: service not found"),
    ],
    ids=["wrong-secret", "wrong-service"],
)
def test_a_wrong_key_is_refused_with_403(fake, key, message):
    wrong = NotificationsAPIClient(key, base_url=fake.url, timeout=5)
    with pytest.raises(HTTPError) as raised:
        wrong.send_sms_notification(MOBILE, TEMPLATE)
    assert error_of(raised) == (403, [{"error": "AuthError", "message": message}])
    assert fake.sent == []


def test_tokens_are_checked_as_notify_checks_them(fake):
    now = int(time.time())
    stale = jwt.encode({"iss": fake.service_id, "iat": now - 60}, fake.secret, algorithm="HS256")
    future = jwt.encode({"iss": fake.service_id, "iat": now + 60}, fake.secret, algorithm="HS256")
    no_iss = jwt.encode({"iat": now}, fake.secret, algorithm="HS256")
    # Longer key: PyJWT warns of a short one for HS384, and the algorithm is refused first.
    hs384 = jwt.encode({"iss": fake.service_id, "iat": now}, fake.secret * 2, algorithm="HS384")
    clock = "Error: Your system clock must be accurate to within 30 seconds"
    cases = [
        (stale, 403, clock),
        (future, 403, clock),
        (no_iss, 403, "Invalid token: iss field not provided"),
        (hs384, 403, "Invalid token: algorithm used is not HS256"),
        ("not-a-jwt", 403, "Invalid token: make sure your API token matches the example at "),
    ]
    for token, status, message in cases:
        answer = raw_post(fake, "/v2/notifications/sms", {}, token=token)
        assert answer.status_code == status
        assert answer.json()["errors"][0]["error"] == "AuthError"
        assert answer.json()["errors"][0]["message"].startswith(message)
    unsigned = requests.post(f"{fake.url}/v2/notifications/sms", json={}, timeout=5)
    assert unsigned.status_code == 401
    assert fake.sent == []


def test_fail_next_429_fails_that_many_sends_then_they_succeed(fake, client):
    fake.fail_next(429)
    with pytest.raises(HTTPError) as raised:
        client.send_sms_notification(MOBILE, TEMPLATE)
    assert not isinstance(raised.value, HTTP503Error)
    assert error_of(raised) == (
        429,
        [
            {
                "error": "RateLimitError",
                "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
            }
        ],
    )
    assert fake.sent == []
    client.send_sms_notification(MOBILE, TEMPLATE)
    fake.fail_next(429, count=2, body=DAILY_LIMIT_BODY)
    for _ in range(2):
        with pytest.raises(HTTPError) as raised:
            client.send_sms_notification(MOBILE, TEMPLATE)
        assert error_of(raised)[1][0]["error"] == "TooManyRequestsError"
    client.send_sms_notification(MOBILE, TEMPLATE)
    assert len(fake.sent) == 2
    assert [status for _, _, status in fake.calls] == [429, 201, 429, 429, 201]


def test_fail_next_500_and_503(fake, client):
    fake.fail_next(500)
    fake.fail_next(503)
    with pytest.raises(HTTPError) as raised:
        client.send_email_notification("a@example.org", TEMPLATE)
    assert error_of(raised) == (500, [{"error": "Exception", "message": "Internal server error"}])
    with pytest.raises(HTTP503Error) as raised:
        client.send_email_notification("a@example.org", TEMPLATE)
    assert raised.value.status_code == 503
    assert fake.sent == []


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("01743 252000", {"error": "InvalidPhoneError", "message": "Not a UK mobile number"}),
        ("07700 9001", {"error": "ValidationError", "message": "phone_number Not enough digits"}),
        (
            "07700 900 123 45",
            {"error": "ValidationError", "message": "phone_number Too many digits"},
        ),
        (
            "0770O 900123",
            {
                "error": "ValidationError",
                "message": "phone_number Must not contain letters or symbols",
            },
        ),
        (
            "+33 6 12 34 56 78",
            {"error": "BadRequestError", "message": "Cannot send to international mobile numbers"},
        ),
    ],
)
def test_a_number_notify_would_refuse_is_a_400(fake, client, number, error):
    with pytest.raises(HTTPError) as raised:
        client.send_sms_notification(number, TEMPLATE)
    assert error_of(raised) == (400, [error])
    assert fake.sent == []


def test_bad_numbers_are_always_refused_however_written(fake, client):
    fake.bad_numbers = {OTHER_MOBILE}
    for written in ("07700900456", "+44 7700 900456", OTHER_MOBILE):
        with pytest.raises(HTTPError) as raised:
            client.send_sms_notification(written, TEMPLATE)
        assert error_of(raised) == (
            400,
            [{"error": "InvalidPhoneError", "message": "Not a UK mobile number"}],
        )
    client.send_sms_notification(MOBILE, TEMPLATE)
    assert [sent["to"] for sent in fake.sent] == [MOBILE]


def test_bodies_are_checked_as_notify_schemas_check_them(fake):
    cases = [
        ("/v2/notifications/sms", {"phone_number": MOBILE}, "template_id is a required property"),
        (
            "/v2/notifications/sms",
            {"phone_number": MOBILE, "template_id": "42"},
            "template_id is not a valid UUID",
        ),
        (
            "/v2/notifications/email",
            {"email_address": "not an address", "template_id": TEMPLATE},
            "email_address Not a valid email address",
        ),
        (
            "/v2/notifications/email",
            {"email_address": "a@example.org", "template_id": TEMPLATE, "reference": "x" * 1001},
            f"reference {'x' * 1001} is too long",
        ),
    ]
    for path, body, message in cases:
        answer = raw_post(fake, path, body)
        assert answer.status_code == 400
        assert answer.json() == {
            "status_code": 400,
            "errors": [{"error": "ValidationError", "message": message}],
        }
    at_limit = {"email_address": "a@example.org", "template_id": TEMPLATE, "reference": "x" * 1000}
    assert raw_post(fake, "/v2/notifications/email", at_limit).status_code == 201
    garbled = raw_post(fake, "/v2/notifications/sms", "{not json")
    assert garbled.status_code == 400
    assert garbled.json()["errors"][0]["message"] == "Invalid JSON supplied in POST data"


def test_slow_s_delays_each_answer(fake, client):
    fake.slow_s = 0.3
    started = time.monotonic()
    client.send_sms_notification(MOBILE, TEMPLATE)
    assert time.monotonic() - started >= 0.3


def test_the_callback_helper_posts_notifys_receipt_with_the_bearer_token(fake, client):
    answer = client.send_sms_notification(MOBILE, TEMPLATE, reference="alert-42")
    with Receiver() as ours:
        response = fake.callback(
            f"{ours.url}/notify/receipts", "s3cret-token", answer["id"], "permanent-failure"
        )
    assert response.status_code == 204
    (received,) = ours.received
    assert received["path"] == "/notify/receipts"
    assert received["headers"]["Authorization"] == "Bearer s3cret-token"
    assert received["headers"]["Content-Type"] == "application/json"
    receipt = json.loads(received["body"])
    sent = fake.sent[0]
    assert receipt == {
        "id": answer["id"],
        "reference": "alert-42",
        "to": MOBILE,
        "status": "permanent-failure",
        "created_at": sent["created_at"],
        "completed_at": receipt["completed_at"],
        "sent_at": receipt["sent_at"],
        "notification_type": "sms",
        "template_id": TEMPLATE,
        "template_version": 1,
    }
    assert receipt["completed_at"].endswith("Z") and receipt["sent_at"].endswith("Z")
    assert fake.status_of(answer["id"]) == "permanent-failure"
    with pytest.raises(ValueError):
        fake.callback(ours.url, "t", answer["id"], "lost")


def test_a_notification_is_fetched_by_id_with_its_status(fake, client):
    answer = client.send_email_notification("a@example.org", TEMPLATE, reference="r")
    with Receiver() as ours:
        fake.callback(ours.url, "t", answer["id"], "delivered")
    got = client.get_notification_by_id(answer["id"])
    assert (got["id"], got["type"], got["status"]) == (answer["id"], "email", "delivered")
    assert got["email_address"] == "a@example.org" and got["phone_number"] is None
    assert got["reference"] == "r" and got["template"] == answer["template"]
    assert got["completed_at"] is not None
    with pytest.raises(HTTPError) as raised:
        client.get_notification_by_id(str(uuid.uuid4()))
    assert error_of(raised) == (404, [{"error": "NoResultFound", "message": "No result found"}])
