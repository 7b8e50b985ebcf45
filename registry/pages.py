"""What the registry's pages share: `signed_in` for pages any signed-in user may open (the
view then decides what they may see), and the Accord as published now, or a 404."""

from __future__ import annotations

import functools

from flask import abort, redirect, request, url_for
from flask_login import current_user

from registry.models import AccordVersion
from registry.publish import current_version


def signed_in(view):
    """Signed-out visitors go to sign in; who may see what is decided by the view."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("core.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def published_accord() -> AccordVersion:
    """The current version of the Accord; a 404 before any is published."""
    version = current_version()
    if version is None:
        abort(404)
    return version
