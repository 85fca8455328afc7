"""The bundle's entry script: the ``webhook-composer`` console script as a file.

PyInstaller freezes a script, not an entry point, so this file does what the
``webhook-composer = ui.main:main`` console script does. ``ui.main`` is imported as a
module (not run as ``__main__``) so the frozen app and the installed command share one
code path. ``multiprocessing.freeze_support()`` comes first, as PyInstaller asks of any
frozen program that may start worker processes: the ``check`` command forks its workers
on Linux, where the call does nothing, but a ``spawn`` worker started from the bundle
would otherwise run the whole app again instead of its task.
"""

import multiprocessing
import sys

from ui.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
