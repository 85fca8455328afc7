"""The Customer.io menu: connect, pull campaigns' webhook actions and sample people, push
edits back (the window side of :mod:`composer.cioapi`).
"""

__all__: list[str] = []
