"""The main window: :mod:`main_window` assembles the request list, the composer and the pages;
``liquid`` and ``requests`` are its Liquid-version and request actions, ``pages`` the page
stack, ``request_list`` the list beside the composer. See docs/ARCHITECTURE.md.
"""

__all__: list[str] = []
