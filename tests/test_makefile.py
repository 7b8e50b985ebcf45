"""The README's commands: `make run` can serve on another port when 5000 is taken."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def planned(*args: str) -> str:
    """What make would run (`make -n`), without running it."""
    make = shutil.which("make")
    assert make, "make is needed to build the project"
    done = subprocess.run(
        [make, "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_make_run_serves_on_5000_by_default_and_on_the_port_asked_for():
    assert "run --host 127.0.0.1 --port 5000" in planned("run")
    assert "run --host 127.0.0.1 --port 5001" in planned("run", "PORT=5001")
