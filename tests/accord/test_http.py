"""accord.http, the one outgoing JSON client, against a local scripted service (no network)."""

from __future__ import annotations

import itertools

import pytest
from werkzeug.wrappers import Response

from accord import http
from tests.fakes.service import FakeService, json_answer
from tests.fakes.smtp import free_port


def busy(seconds: str = "0", status: int = 429) -> Response:
    return json_answer({"error": "slow down"}, status, **{"Retry-After": seconds})


def gaps(fake: FakeService) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(fake.asked_at)]


def failure(url: str, **options) -> http.ServiceError:
    with pytest.raises(http.ServiceError) as caught:
        http.get_json(url, **{"timeout": 2.0, **options})
    return caught.value


# --- answers --------------------------------------------------------------------------------


def test_the_json_of_an_answer_with_the_params_and_who_asked():
    with FakeService(json_answer({"items": [1, 2]})) as fake:
        body = http.get_json(f"{fake.url}/id/floods", params={"county": "Shropshire"}, timeout=2)
    assert body == {"items": [1, 2]}
    (request,) = fake.requests
    assert (request.path, dict(request.args)) == ("/id/floods", {"county": "Shropshire"})
    assert request.headers["User-Agent"] == "shropshire-accord-hub"
    assert request.headers["Accept"] == "application/json"


def test_a_client_asks_many_times_as_its_user_agent():
    with (
        FakeService(json_answer([1]), json_answer([2])) as fake,
        http.Client(user_agent="tester (floods)") as client,
    ):
        first = client.get_json(f"{fake.url}/a", timeout=2)
        second = client.get_json(f"{fake.url}/b", timeout=2)
    assert (first, second) == ([1], [2])
    assert {r.headers["User-Agent"] for r in fake.requests} == {"tester (floods)"}


def test_an_accepted_error_status_gives_its_body():
    with FakeService(json_answer({"error": "Postcode not found"}, 404)) as fake, http.Client() as c:
        answer = c.get(f"{fake.url}/postcodes/SY1", timeout=2, accept=(404,))
    assert answer == http.Answer(404, {"error": "Postcode not found"})


# --- bad answers ----------------------------------------------------------------------------


def test_an_http_error_is_a_bad_answer():
    with FakeService(json_answer({"error": "no"}, 404)) as fake:
        error = failure(f"{fake.url}/missing")
    assert isinstance(error, http.BadAnswer) and not error.busy
    assert (str(error), error.status) == ("HTTP 404", 404)
    assert error.sentence == f"{fake.url}/missing answered HTTP 404"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"<html>Bad gateway</html>", "(Expecting value: line 1 column 1 (char 0))"),
        (b"", "(Expecting value: line 1 column 1 (char 0))"),
        (b'{"name": "caf\xe9"}', "(it is not UTF-8 text)"),
        (b"[" * 100_000, "("),  # too deep to parse
    ],
    ids=["html", "empty", "latin-1", "deep"],
)
def test_what_is_not_json_is_a_bad_answer(body, detail):
    with FakeService(Response(body, mimetype="application/json")) as fake:
        error = failure(f"{fake.url}/feed")
    assert isinstance(error, http.BadAnswer)
    assert str(error) == "not JSON"
    assert error.sentence.startswith(f"{fake.url}/feed is not JSON {detail}")
    assert "\n" not in error.sentence


def test_an_answer_too_large_is_a_bad_answer():
    with FakeService(json_answer(["x" * 1000])) as fake:
        error = failure(fake.url, max_bytes=100)
    assert isinstance(error, http.BadAnswer)
    assert str(error) == "answer too large"


def test_json_of_the_wrong_shape_is_said_the_same_way():
    error = http.unexpected("http://example.test/feed")
    assert (str(error), error.sentence) == (
        "unexpected JSON",
        "http://example.test/feed gave unexpected JSON",
    )


# --- no answer ------------------------------------------------------------------------------


def test_nobody_listening_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}/feed"
    error = failure(url, retries=3)
    assert type(error) is http.Unreachable
    assert (str(error), error.sentence) == ("could not connect", f"could not connect to {url}")


def test_a_slow_service_times_out_and_is_not_asked_again():
    def slow(fake, request):
        fake.wait(2.0)
        return json_answer({})

    with FakeService(slow) as fake:
        error = failure(fake.url, timeout=0.2, retries=3)
    assert isinstance(error, http.TimedOut) and isinstance(error, http.Unreachable)
    assert str(error) == "timed out"
    assert error.sentence == f"{fake.url} did not answer within 0.2 seconds"
    assert len(fake.requests) == 1


def test_a_service_that_drips_its_answer_runs_out_of_time():
    def drip(fake, request):
        yield b'{"items": ['
        for _ in range(6):
            fake.wait(0.1)  # each piece well within the read timeout
            yield b"1,"
        yield b"1]}"

    with FakeService(drip) as fake:
        error = failure(fake.url, timeout=1.0, total_s=0.2)
    assert (type(error), str(error)) == (http.TimedOut, "timed out")


def test_the_short_reason_never_holds_the_url():
    # A URL can carry personal data (a postcode): only `sentence` names it.
    with FakeService(busy(status=503), Response(b"nope")) as fake:
        errors = [failure(f"{fake.url}/postcodes/SY1 1AA"), failure(f"{fake.url}/SY1 1AA")]
    errors.append(failure(f"http://127.0.0.1:{free_port()}/postcodes/SY1 1AA"))
    assert [str(e) for e in errors] == ["HTTP 503", "not JSON", "could not connect"]
    assert all("SY1" in e.sentence and "SY1" not in str(e) for e in errors)


# --- retries --------------------------------------------------------------------------------


def test_no_retries_unless_asked():
    with FakeService(busy(status=503), json_answer({})) as fake:
        error = failure(fake.url)
    assert isinstance(error, http.BadAnswer) and error.busy
    assert error.sentence == f"{fake.url} answered HTTP 503 SERVICE UNAVAILABLE"
    assert len(fake.requests) == 1


def test_asked_again_after_the_retry_after_it_gives():
    with FakeService(busy("0"), busy("1"), json_answer({"ok": True})) as fake:
        assert http.get_json(fake.url, timeout=2, retries=4) == {"ok": True}
    assert len(fake.requests) == 3
    # At once after "0" (the first pause of the backoff is none), a second after "1".
    first, second = gaps(fake)
    assert first < 0.5 and second >= 0.9, gaps(fake)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_service_that_stays_busy_fails_saying_how_often_it_was_asked(status):
    policy = http.retry_policy(2, backoff_s=0)  # no growing pauses in a test
    with FakeService(busy(status=status)) as fake:
        error = failure(f"{fake.url}/feed", retries=policy)
    assert isinstance(error, http.BadAnswer) and error.busy
    assert str(error) == f"HTTP {status}"
    reason = Response(status=status).status.split(" ", 1)[1]
    assert error.sentence == f"{fake.url}/feed answered HTTP {status} {reason} after 3 tries"
    assert len(fake.requests) == 3


def test_other_errors_are_not_retried():
    with FakeService(json_answer({}, 500), json_answer({})) as fake:
        assert str(failure(fake.url, retries=4)) == "HTTP 500"
    assert len(fake.requests) == 1


def test_a_long_retry_after_is_capped(monkeypatch):
    monkeypatch.setattr(http, "RETRY_AFTER_MAX_S", 1)
    with FakeService(busy("3600"), json_answer([])) as fake:
        assert http.get_json(fake.url, timeout=2, retries=http.retry_policy(1)) == []
    (gap,) = gaps(fake)
    assert 0.9 <= gap < 10


@pytest.mark.parametrize("said", ["soon", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_a_retry_after_that_is_nonsense_or_past_is_no_wait(said):
    with FakeService(busy(said), json_answer([])) as fake:
        assert http.get_json(fake.url, timeout=2, retries=http.retry_policy(1, backoff_s=0)) == []
    assert len(fake.requests) == 2


# --- files ----------------------------------------------------------------------------------


def test_json_read_from_a_file_fails_the_same_way():
    assert http.parse_json(b'{"a": 1}', "feed.json") == {"a": 1}
    with pytest.raises(http.BadAnswer) as caught:
        http.parse_json(b"<html>", "feed.json")
    assert caught.value.sentence.startswith("feed.json is not JSON (Expecting value")
