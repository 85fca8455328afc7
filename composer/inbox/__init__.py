"""The loopback inbox: ``server`` catches requests, ``http`` speaks HTTP/1.1 to clients,
``messages`` holds what was caught.
"""

__all__: list[str] = []
