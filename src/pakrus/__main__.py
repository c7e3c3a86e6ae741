"""`python -m pakrus`: the command line."""

import sys

from pakrus.cli import main

sys.exit(main())
