"""Ids and page numbers no table can hold are "not found", never a 500 (issue 16)."""

import pytest
from werkzeug.routing import IntegerConverter

from accord.ids import MAX_ID
from accord.models import Role
from tests.factories import PASSWORD

HUGE = ["2147483648", "9223372036854775807", "99999999999999999999999"]


def int_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def path_for(rule, number: str) -> str:
    """The rule's path with every number set to `number` and every other part to "x"."""
    values = {
        name: int(number) if isinstance(converter, IntegerConverter) else "x"
        for name, converter in rule._converters.items()
    }
    return rule.build(values)[1]


def test_every_route_with_an_id_is_found_by_the_walk(app):
    rules = list(int_rules(app))
    # The issue counted 36 route-method pairs that failed; the walk must see at least those.
    pairs = [(r.rule, m) for r in rules for m in r.methods & {"GET", "POST"}]
    assert len(pairs) >= 36
    assert all("<" not in path_for(r, "1") for r in rules)


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "admin"])
def test_an_id_out_of_range_is_not_found_on_every_route(make_app, make, signed_in):
    app = make_app(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    with app.app_context():
        if signed_in:
            make.user(role=Role.admin, email="admin@example.org")
            signing_in = {"email": "admin@example.org", "password": PASSWORD}
            assert client.post("/sign-in", data=signing_in).status_code == 302
        for rule in int_rules(app):
            for number in HUGE:
                path = path_for(rule, number)
                for method in sorted(rule.methods & {"GET", "POST"}):
                    response = client.open(path, method=method)
                    assert response.status_code == 404, (method, path, response.status_code)


def test_the_largest_id_is_looked_up_and_not_found(client):
    assert client.get(f"/directory/services/{MAX_ID}").status_code == 404
    assert client.get("/directory/services/0").status_code == 404


@pytest.mark.parametrize("path", ["/signatories", "/mutual-aid"])
@pytest.mark.parametrize("page", [*HUGE, "100001", "0", "000"])
def test_a_page_out_of_range_is_not_found(client, path, page):
    assert client.get(f"{path}?page={page}").status_code == 404


@pytest.mark.parametrize("path", ["/signatories", "/mutual-aid"])
def test_pages_in_range_are_shown(client, path):
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?page=").status_code == 200
    assert client.get(f"{path}?page=2").status_code == 200
    # Not a number at all: the first page, as lists have always answered.
    for odd in ("abc", "-1", "1e9", "²"):
        assert client.get(f"{path}?page={odd}").status_code == 200


def test_no_list_fails_on_a_huge_page_number(make_app):
    """Every page without a path argument, asked for an absurd page: never a 500."""
    app = make_app()
    client = app.test_client()
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
                continue
            for number in HUGE[:2]:
                response = client.get(f"{rule.rule}?page={number}")
                assert response.status_code < 500, (rule.rule, response.status_code)
