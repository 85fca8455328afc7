"""The bundle's entry script: the ``webhook-composer`` console script as a file.

PyInstaller freezes a script, not an entry point, so this file does what the
``webhook-composer = ui.main:main`` console script does. ``ui.main`` is imported as a
module (not run as ``__main__``) so the frozen app and the installed command share one
code path.
"""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
