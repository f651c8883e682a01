"""``python -m graph`` is the ``newsgraph`` command."""

import sys

from graph.cli.main import main

sys.exit(main())
