"""`make audit`: known vulnerabilities in the installed Python packages.

pip-audit is the auditor. It asks OSV (or PyPI's per-release JSON) about each installed
release; where it cannot reach either, it reports every package as "could not be audited" and,
without --strict, still exits 0, a clean-looking result that audited nothing. So it runs with
--strict, and when it could not audit, this falls back to the one source a PyPI mirror that
serves only project pages still gives: `/pypi/<name>/json`, whose `vulnerabilities` are those
of the project's latest release. That is a verdict for every package installed at its latest
release and none for the rest, which are listed as not audited and fail the run.

Exit codes: 0 clean, 1 a known vulnerability, 2 packages that could not be audited.
"""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata

import requests

PROJECT = "shropshire-accord-hub"
PYPI = "https://pypi.org/pypi"


@dataclass
class Verdict:
    name: str
    version: str
    latest: str
    advisories: list[str]
    audited: bool


def pip_audit() -> tuple[int, str]:
    """pip-audit's exit code and output; --strict makes "could not audit" a failure."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--strict",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--desc",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done.returncode, done.stdout + done.stderr


def installed() -> dict[str, str]:
    """Every installed distribution but this project, by normalised name."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"].lower().replace("_", "-")
        if name != PROJECT:
            found[name] = dist.version
    return found


def verdict(name: str, version: str, pypi: str = PYPI) -> Verdict:
    try:
        response = requests.get(f"{pypi}/{name}/json", timeout=30)
        response.raise_for_status()
        project = response.json()
    except (requests.RequestException, ValueError) as error:
        return Verdict(name, version, f"({type(error).__name__})", [], False)
    latest = project["info"]["version"]
    if latest != version:
        return Verdict(name, version, latest, [], False)
    advisories = [v.get("id", "?") for v in project.get("vulnerabilities") or []]
    return Verdict(name, version, latest, advisories, True)


def fallback(packages: dict[str, str], pypi: str = PYPI) -> int:
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(lambda item: verdict(*item, pypi), sorted(packages.items())))
    vulnerable = [v for v in verdicts if v.advisories]
    unaudited = [v for v in verdicts if not v.audited]
    clean = len(verdicts) - len(vulnerable) - len(unaudited)

    print("\n| package | installed | latest | verdict |\n|---|---|---|---|")
    for v in vulnerable + unaudited:
        said = ", ".join(v.advisories) if v.advisories else "not audited: not the latest release"
        print(f"| {v.name} | {v.version} | {v.latest} | {said} |")
    noun = "package" if len(verdicts) == 1 else "packages"
    print(
        f"\n{len(verdicts)} {noun}: {clean} at their latest release with no known vulnerability, "
        f"{len(vulnerable)} vulnerable, {len(unaudited)} not audited."
    )
    if vulnerable:
        return 1
    return 2 if unaudited else 0


def main() -> int:
    code, said = pip_audit()
    if code == 0:
        print(said.strip() or "pip-audit: no known vulnerabilities")
        return 0
    if "could not be audited" not in said and "Connection" not in said:
        print(said)  # pip-audit reached a service and found something
        return 1
    # What pip-audit did find stays on screen; the fallback only adds what it could not audit.
    print("\n".join(line for line in said.splitlines() if "could not be audited" not in line))
    print(
        "pip-audit could not reach a vulnerability service from here; "
        "falling back to PyPI's project pages."
    )
    found = fallback(installed())
    # A vulnerability pip-audit did see fails the run whatever the fallback could check.
    return 1 if re.search(r"Found [1-9]\d* known vulnerabilit", said) else found


if __name__ == "__main__":
    sys.exit(main())
