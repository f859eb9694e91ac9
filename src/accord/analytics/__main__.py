"""``python -m accord.analytics``: the analysts' command line (see :mod:`accord.analytics.cli`)."""

import sys

from accord.analytics.cli import main

if __name__ == "__main__":
    sys.exit(main())
