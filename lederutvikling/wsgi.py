import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")
application = get_wsgi_application()

# Production refuses single-machine fallbacks here too, not only in manage.py check
# (lib/checks.py): a misconfigured web node stops with the message instead of serving.
from lib.checks import exit_if_unsafe  # noqa: E402

exit_if_unsafe()
