"""``python -m graph`` is the ``newsgraph`` command."""

import sys

from ._cli import main

sys.exit(main())
