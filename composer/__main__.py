"""``python -m composer`` runs the command line."""

import sys

from composer.cli import main

sys.exit(main())
