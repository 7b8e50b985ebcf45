"""The building lookup the autocomplete asks as people type (on the directory blueprint).

Published buildings' names and addresses are public already (/directory/places/<id>), but only
the people who choose a building for a service or a hub need this answer: it is for signed-in
providers, coordinators and CVEC, limited per account. The labels are text: the script puts
them on the page as text (accord/static/picker.js), never as HTML.
"""

from __future__ import annotations

from flask import jsonify, request

from accord import limits
from accord.accounts import role_required
from accord.extensions import limiter
from accord.models import Role
from directory.pickers import lookup
from directory.views import bp

# Who chooses buildings: providers for their services, the coordinator, CVEC for hubs.
CHOOSERS = (Role.member, Role.coordinator, Role.cvec)


def answer(found: list) -> object:
    response = jsonify({"results": [{"id": m.id, "label": m.label} for m in found]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/buildings/lookup")
@role_required(*CHOOSERS)
@limiter.limit(limits.AS_YOU_TYPE, key_func=limits.account)
def building_lookup():
    return answer(lookup.matches(request.args.get("q", "")))
