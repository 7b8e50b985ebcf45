"""gunicorn's settings, read from the working directory (`gunicorn wsgi:app` in the checkout).

Request lines and header fields up to gunicorn's own maximum reach the app, which refuses those
over its limits (accord/errors.py: MAX_URL_LENGTH, MAX_HEADER_FIELD_SIZE) with a GOV.UK 414 or
431 page. gunicorn's defaults (4,094 and 8,190 bytes) are below them, so a long search would
otherwise get gunicorn's bare "Request Line is too large" text. Command-line flags still win.
"""

# The most gunicorn accepts for a request line (method, address, protocol); above it gunicorn
# answers itself, so a reverse proxy in front should refuse longer ones first.
limit_request_line = 8190
# Twice the app's limit for one header (a long cookie is answered by the app's 431 page).
limit_request_field_size = 16384
limit_request_fields = 100


def post_worker_init(worker) -> None:
    """The app is loaded: what it keeps for the worker's life (routes, templates, the county's
    places; about 170,000 objects) is set aside from Python's garbage collector, whose full
    collections then look at what requests make, not at all of it again. Without it one
    search in a hundred or so paid for a full collection: 130–150 ms of CPU at 220,000 objects
    (the standard library's gc.freeze, made for servers like this)."""
    import gc

    gc.collect()
    gc.freeze()
