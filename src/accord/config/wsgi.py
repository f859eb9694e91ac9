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

# Garbage collection: a full collection walks every object the process holds (Django, the
# URL patterns and API schemas, caches), 100 ms and more on a loaded server, during which no
# thread of the process runs; a thread holding the database's write lock then makes every
# writer wait. The objects loaded at start live as long as the process: load the URL
# patterns now, then move everything into the collector's permanent generation (gc.freeze),
# and collect the young generation less often (ACCORD_GC_THRESHOLD).
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports every view, router and schema now
gc.collect()
gc.freeze()
gc.set_threshold(*settings.ACCORD_GC_THRESHOLD)
