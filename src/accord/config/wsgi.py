import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

# Shorter than Python's 5 ms: a thread holding the database's write lock gets the interpreter
# back sooner after each statement (ACCORD_SWITCH_INTERVAL in settings).
sys.setswitchinterval(settings.ACCORD_SWITCH_INTERVAL)

# SQLite: WAL checkpoints from a thread of this process instead of inside a COMMIT.
from accord.core.sqlite_backend.checkpoints import CHECKPOINTER  # noqa: E402

CHECKPOINTER.start()

# ACCORD_EW_INTAKE=deferred: start this process's early-warning intake worker now, so that
# cases a stopped process left queued are worked without waiting for the next filing.
if settings.ACCORD_EW_INTAKE == "deferred":
    from accord.earlywarning.intake import DRAINER

    DRAINER.start()
