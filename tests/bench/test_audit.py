"""The audit's fallback against a PyPI of our own: a verdict only where the project page can
give one (the installed release is the latest), and a failing exit code otherwise."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from bench import audit
from tests.fakes.server import LocalServer

PROJECTS = {
    "clean": {"info": {"version": "2.0"}, "vulnerabilities": []},
    "holed": {"info": {"version": "1.0"}, "vulnerabilities": [{"id": "PYSEC-2026-1"}]},
    "ahead": {"info": {"version": "9.0"}, "vulnerabilities": []},
}


class FakePyPI(LocalServer):
    def _wsgi(self, environ, start_response):
        name = Request(environ).path.split("/")[1]
        if name not in PROJECTS:
            response = Response('{"message": "Not Found"}', 404, mimetype="application/json")
        else:
            response = Response(json.dumps(PROJECTS[name]), mimetype="application/json")
        return response(environ, start_response)


def test_the_fallback_gives_verdicts_only_for_latest_releases(capsys):
    with FakePyPI() as pypi:
        assert audit.fallback({"clean": "2.0"}, pypi.url) == 0
        assert audit.fallback({"clean": "2.0", "holed": "1.0"}, pypi.url) == 1
        # Behind the latest release, or unknown to PyPI: no verdict, so not clean.
        assert audit.fallback({"clean": "2.0", "ahead": "8.0"}, pypi.url) == 2
        assert audit.fallback({"private": "0.1"}, pypi.url) == 2
        assert audit.verdict("holed", "1.0", pypi.url).advisories == ["PYSEC-2026-1"]
    said = capsys.readouterr().out
    assert "| holed | 1.0 | 1.0 | PYSEC-2026-1 |" in said
    assert "| ahead | 8.0 | 9.0 | not audited: not the latest release |" in said
    assert "1 package: 0 at their latest release" in said  # the unknown one


def test_installed_leaves_out_this_project():
    found = audit.installed()
    assert audit.PROJECT not in found and found["flask"]
