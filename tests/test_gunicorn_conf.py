"""gunicorn.conf.py's worker hook: the loaded app's objects are set aside from the garbage
collector (gc.freeze), so a worker's full collections do not look at them again."""

import gc
import runpy

from gunicorn.config import Config

from accord import settings


def test_a_worker_sets_aside_what_the_loaded_app_keeps():
    conf = runpy.run_path(str(settings.ROOT / "gunicorn.conf.py"))
    hook = conf["post_worker_init"]
    assert "post_worker_init" in Config().settings  # the name gunicorn calls
    Config().set("post_worker_init", hook)  # and a callable it accepts
    before = gc.get_freeze_count()
    try:
        hook(None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
