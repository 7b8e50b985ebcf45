# Read by the flask CLI in a checkout (python-dotenv); never overrides a real environment variable.
FLASK_APP=wsgi
# Development settings when APP_ENV is unset, for the checkout's own SQLite file only: with
# DATABASE_URL set and no APP_ENV, every command refuses to start (accord/settings.py).
CHECKOUT_APP_ENV=development
