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
