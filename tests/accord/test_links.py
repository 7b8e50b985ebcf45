"""Signed links and absolute addresses: one way to make every link we send."""

from accord import links


def test_a_signed_token_opens_only_its_own_purpose(app):
    token = links.sign("volunteer-leave", {"id": 7})
    assert links.read("volunteer-leave", token, max_age_s=60) == {"id": 7}
    assert links.read("volunteer-change", token, max_age_s=60) is None
    assert links.read("volunteer-leave", token + "x", max_age_s=60) is None


def test_an_expired_token_opens_nothing(app):
    token = links.sign("accord-confirm", {"id": 1})
    assert links.read("accord-confirm", token, max_age_s=links.DAY_S) == {"id": 1}
    # Made "now", so older than any negative age: the expiry check is what refuses it.
    assert links.read("accord-confirm", token, max_age_s=-1) is None


def test_an_opaque_token_hides_what_it_carries_and_opens_only_its_own_purpose(app, monkeypatch):
    import base64
    from datetime import timedelta

    from accord import clock

    token = links.sign_opaque("listing-check", {"s": 4242, "f": "abc"})
    assert links.read_opaque("listing-check", token, max_age_s=60) == {"s": 4242, "f": "abc"}
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"4242" not in raw and b"abc" not in raw  # encrypted, not just signed
    assert links.read_opaque("listing-other", token, max_age_s=60) is None
    assert links.read_opaque("listing-check", token[:-3] + "AAA", max_age_s=60) is None
    assert links.read_opaque("listing-check", "not a token", max_age_s=60) is None
    assert links.read("listing-check", token, max_age_s=60) is None
    # Dated by the app's clock, as `sign` is: a test that moves time moves its age.
    made = clock.system_time()
    monkeypatch.setattr(clock, "system_time", lambda: made + timedelta(seconds=61))
    assert links.read_opaque("listing-check", token, max_age_s=60) is None


def test_a_lasting_token_round_trips(app):
    token = links.sign_lasting("signposting-list", [1, 2, 3])
    assert links.read_lasting("signposting-list", token) == [1, 2, 3]
    assert links.read_lasting("signposting-list", token[:-2]) is None


def test_absolute_urls_come_from_the_public_base_in_and_outside_a_request(make_app):
    other = make_app(PUBLIC_BASE_URL="https://accord.example.org/hub/")
    with other.app_context():
        assert links.absolute_url("referrals.show", uuid="abc") == (
            "https://accord.example.org/hub/referrals/abc"
        )
    with other.test_request_context("/", base_url="http://evil.example"):
        assert links.absolute_url("registry.accord") == "https://accord.example.org/hub/accord"


def test_without_a_public_base_tests_and_development_use_the_request(app):
    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert links.absolute_url("registry.accord") == "http://localhost:5000/accord"
