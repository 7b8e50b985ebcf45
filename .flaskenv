# Read by the flask CLI in a checkout (python-dotenv); never overrides a real environment variable.
FLASK_APP=wsgi
APP_ENV=development
