"""cURL in and out: ``parse`` reads a command into a request, ``shell`` splits it as a
POSIX shell would, ``export`` writes a rendered request as a command that sends the same bytes.
"""

__all__: list[str] = []
