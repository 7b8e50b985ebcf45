"""A real GOV.UK Notify API (v2) on loopback, for the real notifications_python_client.

Point `NotificationsAPIClient(fake.API_KEY, base_url=fake.url)` at it (or `fake.api_key(...)`
for another key). Like Notify it checks each request's JWT (HS256, iss = the service id, iat
within 30 s, signed with the key's secret) and answers 401/403 AuthError when wrong; it checks
the body as Notify's JSON schemas do and answers 400 with Notify's error JSON.

POST /v2/notifications/sms and /email record the notification in `sent` and answer 201 with
Notify's response JSON; GET /v2/notifications/<id> answers a recorded one with its status.
`templates` (template id -> {"body", "subject"}) makes those templates the only ones known and
renders their ((placeholders)); left empty, any template id is accepted.

Misbehaving: `fail_next(status, count)` (the next sends answer 400, 403, 429, 500 or 503 with the
matching body), `slow_s` (every answer waits), `bad_numbers` (always 400 "Not a UK mobile
number"). `callback(url, token, id, status)` POSTs a delivery receipt as Notify does.
`calls` records (method, path, status) of every request answered.

Error bodies and messages are copied from alphagov/notifications-api (app/v2/errors.py,
app/authentication/auth.py, app/schema_validation) and notifications-utils.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from datetime import UTC, datetime

import requests
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import (
    TokenAlgorithmError,
    TokenDecodeError,
    TokenError,
    TokenExpiredError,
    TokenIssuerError,
)
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.notify_rules import (
    NOT_A_UK_MOBILE,
    NOT_AN_EMAIL,
    is_uuid,
    normalised_phone,
    phone_problem,
    schema_errors,
)
from tests.fakes.server import LocalServer

# Made up; the shape (a key name, then two UUIDs) is what the client slices the key by.
SERVICE_ID = "5f2b7c3e-8a41-4d0e-9b6a-3c1e2d4f5a60"
SECRET = "0d6f1c2b-3a4e-4f5d-8c7b-9a0e1d2c3b4f"
KEY_NAME = "accord_hub_tests"

# Notify's own DATETIME_FORMAT (app/constants.py): UTC with microseconds and a Z.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
RECEIPT_STATUSES = ("delivered", "permanent-failure", "temporary-failure", "technical-failure")

GENERAL_TOKEN_ERROR = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
CLOCK_ERROR = "Error: Your system clock must be accurate to within 30 seconds"
RATE_LIMIT = "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")


def api_key(service_id: str = SERVICE_ID, secret: str = SECRET, name: str = KEY_NAME) -> str:
    """A key as Notify issues it; the client takes the service id and secret from its tail."""
    return f"{name}-{service_id}-{secret}"


def error_body(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def now_string() -> str:
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


class NotifyError(Exception):
    """An answer other than success, carrying Notify's v2 error JSON."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.response = json_response(error_body(status, error, message), status)


def auth_error(message: str, status: int = 403) -> NotifyError:
    return NotifyError(status, "AuthError", message)


# The daily limit's 429 (TooManyRequestsError), for fail_next(429, body=DAILY_LIMIT_BODY).
DAILY_LIMIT_BODY = error_body(
    429, "TooManyRequestsError", "Exceeded send limits (total: 250000) for today"
)
# A 503 comes from the load balancer in front of Notify, not the API, so it is not JSON:
# callers have to cope with a body they cannot parse.
GATEWAY_503 = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)


def failure_response(status: int, kind: str, body: dict | str | None) -> Response:
    """What `fail_next(status)` answers: `body` when given, else Notify's for that status."""
    if isinstance(body, str):
        return Response(body, status=status, mimetype="text/html")
    if body is None and status == 503:
        return Response(GATEWAY_503, status=status, mimetype="text/html")
    if body is None:
        refused = ("InvalidPhoneError", NOT_A_UK_MOBILE)
        if kind == "email":
            refused = ("ValidationError", f"email_address {NOT_AN_EMAIL}")
        body = {
            400: error_body(400, *refused),
            403: error_body(403, "AuthError", "Invalid token: API key not found"),
            429: error_body(429, "RateLimitError", RATE_LIMIT),
        }.get(status, error_body(status, "Exception", "Internal server error"))
    return json_response(body, status)


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class FakeNotify(LocalServer):
    """`with FakeNotify() as fake:` a Notify service with one live API key, `API_KEY`."""

    SERVICE_ID = SERVICE_ID
    SECRET = SECRET
    API_KEY = api_key()

    def __init__(self, service_id: str = SERVICE_ID, secret: str = SECRET):
        super().__init__()
        self.service_id = service_id
        self.secret = secret
        self.slow_s = 0.0
        self.bad_numbers: set[str] = set()
        self.templates: dict[str, dict] = {}
        self.from_number = "ShropAccord"
        self.from_email = "shropshire.accord.hub@notifications.service.gov.uk"
        self._lock = threading.Lock()
        self._sent: list[dict] = []
        self._states: dict[str, dict] = {}
        self._failures: list[tuple[int, dict | str | None]] = []
        self._calls: list[tuple[str, str, int]] = []
        self._urls = Map(
            [
                Rule("/v2/notifications/<any(sms, email):kind>", endpoint="send", methods=["POST"]),
                Rule("/v2/notifications/<notification_id>", endpoint="get", methods=["GET"]),
                Rule("/v2/notifications", endpoint="list", methods=["GET"]),
            ]
        )

    def api_key(self, service_id: str | None = None, secret: str | None = None, name=KEY_NAME):
        """This fake's key, or one with another service id or secret (a wrong key)."""
        return api_key(service_id or self.service_id, secret or self.secret, name)

    @property
    def sent(self) -> list[dict]:
        """Every accepted notification, oldest first (a copy: the server thread appends)."""
        with self._lock:
            return copy.deepcopy(self._sent)

    @property
    def calls(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return list(self._calls)

    def fail_next(self, status: int, count: int = 1, body: dict | str | None = None) -> None:
        """The next `count` sends answer `status` (after the token is checked, as Notify's
        rate limits are); `body` replaces Notify's body for it (a str is sent as HTML)."""
        with self._lock:
            self._failures.extend([(status, body)] * count)

    def status_of(self, notification_id: str) -> str:
        with self._lock:
            return self._states[notification_id]["status"]

    def callback(
        self, url: str, token: str, notification_id: str, status: str, timeout: float = 5
    ) -> requests.Response:
        """POST Notify's delivery receipt for a recorded notification to `url`, as its
        callback task does (Bearer `token`, JSON), and note the status for GET."""
        if status not in RECEIPT_STATUSES:
            raise ValueError(f"not a delivery receipt status: {status!r}")
        with self._lock:
            # A KeyError for an id never sent: a receipt only follows a notification.
            state = self._states[notification_id]
            sent = next(n for n in self._sent if n["id"] == notification_id)
            completed = now_string()
            # A technical failure can happen before the provider has it: nothing sent.
            sent_at = None if status == "technical-failure" else state["sent_at"] or completed
            state.update(status=status, sent_at=sent_at, completed_at=completed)
        receipt = {
            "id": notification_id,
            "reference": sent["reference"],
            "to": sent["to"],
            "status": status,
            "created_at": sent["created_at"],
            "completed_at": completed,
            "sent_at": sent_at,
            "notification_type": sent["type"],
            "template_id": sent["template_id"],
            "template_version": 1,
        }
        return requests.post(
            url,
            data=json.dumps(receipt),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        if self.slow_s:
            self._stopping.wait(self.slow_s)
        try:
            response = self._respond(request)
        except NotifyError as error:
            response = error.response
        with self._lock:
            self._calls.append((request.method, request.path, response.status_code))
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, args = self._urls.bind_to_environ(request.environ).match()
        except HTTPException as error:
            # Outside the v2 routes Flask's own 404/405 answer, before any token check.
            return json_response({"result": "error", "message": error.description}, error.code)
        self._authenticate(request)
        if endpoint == "get":
            return self._get(args["notification_id"], request.host_url)
        if endpoint == "list":
            return self._list(request.args.get("reference"), request.host_url)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return failure_response(failure[0], args["kind"], failure[1])
        return self._send(args["kind"], request)

    def _authenticate(self, request: Request) -> None:
        """Notify's requires_auth, for a service with one live key."""
        header = request.headers.get("Authorization")
        if not header:
            raise auth_error("Unauthorized: authentication token must be provided", 401)
        if header[:7].title() != "Bearer ":
            raise auth_error("Unauthorized: authentication bearer scheme must be used", 401)
        token = header[7:]
        try:
            issuer = get_token_issuer(token)
        except TokenIssuerError:
            raise auth_error("Invalid token: iss field not provided") from None
        except TokenDecodeError:
            raise auth_error(GENERAL_TOKEN_ERROR) from None
        if not is_uuid(issuer):
            raise auth_error("Invalid token: service id is not the right data type")
        if uuid.UUID(issuer) != uuid.UUID(self.service_id):
            raise auth_error("Invalid token: service not found")
        self._check_signature(token)

    def _check_signature(self, token: str) -> None:
        # decode_jwt_token is the very check Notify's API runs (it imports it from this client),
        # so a token the fake takes is one Notify would take.
        try:
            decode_jwt_token(token, self.secret)
        except TokenExpiredError:
            raise auth_error(CLOCK_ERROR) from None
        except TokenAlgorithmError:
            raise auth_error("Invalid token: algorithm used is not HS256") from None
        except TokenDecodeError:
            # Not signed with this key, and the service has no other.
            raise auth_error("Invalid token: API key not found") from None
        except TokenError:
            raise auth_error(GENERAL_TOKEN_ERROR) from None

    def _send(self, kind: str, request: Request) -> Response:
        try:
            # force: like Notify, whatever the Content-Type says.
            form = request.get_json(force=True) or {}
        except BadRequest:
            raise NotifyError(
                400, "BadRequestError", "Invalid JSON supplied in POST data"
            ) from None
        if not isinstance(form, dict):
            raise NotifyError(400, "ValidationError", f"{form} is not of type object")
        messages = schema_errors(kind, form)
        if messages:
            errors = [{"error": "ValidationError", "message": m} for m in messages]
            return json_response({"status_code": 400, "errors": errors}, 400)
        to = form["phone_number"] if kind == "sms" else form["email_address"]
        if kind == "sms":
            self._check_number(to)
        personalisation = form.get("personalisation") or {}
        subject, body = self._render(kind, form["template_id"], personalisation)
        record = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "to": to,
            "template_id": form["template_id"],
            "personalisation": personalisation,
            "reference": form.get("reference"),
            "created_at": now_string(),
        }
        sender_field = "sms_sender_id" if kind == "sms" else "email_reply_to_id"
        record[sender_field] = form.get(sender_field)
        with self._lock:
            self._sent.append(copy.deepcopy(record))
            self._states[record["id"]] = {
                "status": "created",
                "subject": subject,
                "body": body,
                "sent_at": None,
                "completed_at": None,
            }
        return json_response(self._sent_body(record, subject, body, request.host_url), 201)

    def _check_number(self, number: str) -> None:
        problem = phone_problem(number)
        if problem is None and normalised_phone(number) in {
            normalised_phone(bad) for bad in self.bad_numbers
        }:
            problem = ("InvalidPhoneError", NOT_A_UK_MOBILE)
        if problem:
            raise NotifyError(400, *problem)

    def _render(self, kind: str, template_id: str, personalisation: dict) -> tuple[str, str]:
        """(subject, body) of the template filled in, as Notify's response shows them."""
        if not self.templates:
            lines = [f"{name}: {value}" for name, value in personalisation.items()]
            return "Notification", "\n".join([f"Template {template_id}", *lines])
        template = self.templates.get(template_id)
        if template is None:
            raise NotifyError(400, "BadRequestError", "Template not found")
        text = template.get("subject", "") + template["body"]
        known = {name.lower() for name in personalisation}
        missing = [n for n in dict.fromkeys(PLACEHOLDER.findall(text)) if n.lower() not in known]
        if missing:
            raise NotifyError(
                400, "BadRequestError", "Missing personalisation: " + ", ".join(missing)
            )
        values = {name.lower(): str(value) for name, value in personalisation.items()}

        def fill(source: str) -> str:
            return PLACEHOLDER.sub(lambda m: values[m.group(1).lower()], source)

        return fill(template.get("subject", "")), fill(template["body"])

    def _sent_body(self, record: dict, subject: str, body: str, root: str) -> dict:
        """create_post_sms/email_response_from_notification's shape."""
        answer = {
            "id": record["id"],
            "reference": record["reference"],
            "uri": f"{root}v2/notifications/{record['id']}",
            "template": self._template_ref(record["template_id"], root),
            "scheduled_for": None,
        }
        if record["type"] == "sms":
            answer["content"] = {"from_number": self.from_number, "body": body}
        else:
            answer["content"] = {
                "from_email": self.from_email,
                "body": body,
                "subject": subject,
                "one_click_unsubscribe_url": None,
            }
        return answer

    def _template_ref(self, template_id: str, root: str) -> dict:
        uri = f"{root}services/{self.service_id}/templates/{template_id}"
        return {"id": template_id, "version": 1, "uri": uri}

    def _get(self, notification_id: str, root: str) -> Response:
        """Notification.serialize()'s shape, for GET /v2/notifications/<id>."""
        if not is_uuid(notification_id):
            raise NotifyError(400, "ValidationError", "notification_id is not a valid UUID")
        with self._lock:
            sent = next((n for n in self._sent if n["id"] == notification_id), None)
        if sent is None:
            raise NotifyError(404, "NoResultFound", "No result found")
        return json_response(self._serialized(sent, root))

    def _list(self, reference: str | None, root: str) -> Response:
        """GET /v2/notifications[?reference=…]: the client's get_all_notifications."""
        with self._lock:
            found = [n for n in self._sent if reference is None or n["reference"] == reference]
        return json_response(
            {
                "notifications": [self._serialized(n, root) for n in reversed(found)],
                "links": {"current": f"{root}v2/notifications"},
            }
        )

    def _serialized(self, sent: dict, root: str) -> dict:
        with self._lock:
            state = dict(self._states.get(sent["id"], {}))
        address_lines = dict.fromkeys([*(f"line_{n}" for n in range(1, 7)), "postcode"])
        return {
            "id": sent["id"],
            "reference": sent["reference"],
            "email_address": sent["to"] if sent["type"] == "email" else None,
            "phone_number": sent["to"] if sent["type"] == "sms" else None,
            **address_lines,
            "type": sent["type"],
            "status": state["status"],
            "template": self._template_ref(sent["template_id"], root),
            "body": state["body"],
            "subject": state["subject"] if sent["type"] == "email" else None,
            "created_at": sent["created_at"],
            "created_by_name": None,
            "sent_at": state["sent_at"],
            "completed_at": state["completed_at"],
            "scheduled_for": None,
            "postage": None,
            "one_click_unsubscribe_url": None,
        }
