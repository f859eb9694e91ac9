import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
application = get_wsgi_application()

# ACCORD_EW_INTAKE=deferred: start this process's early-warning intake worker now, so that
# cases a stopped process left queued are worked without waiting for the next filing.
from django.conf import settings  # noqa: E402

if settings.ACCORD_EW_INTAKE == "deferred":
    from accord.earlywarning.intake import DRAINER

    DRAINER.start()
