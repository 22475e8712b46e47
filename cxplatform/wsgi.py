"""The WSGI entry point of the application servers (gunicorn).

Without DJANGO_SETTINGS_MODULE a server runs with the production settings, never
the development ones (DEBUG on, any host): production settings refuse to start
without SECRET_KEY and ALLOWED_HOSTS. scripts/dev.py names the local settings.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.production")

application = get_wsgi_application()
