import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding_archive.settings")

application = get_wsgi_application()

from safeguarding_archive.startup import warm_up  # noqa: E402 (needs the settings above)

warm_up()
