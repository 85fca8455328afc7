"""``python -m composer`` runs the command line."""

import sys

from composer.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
