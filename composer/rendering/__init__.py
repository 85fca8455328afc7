"""A request to the exact bytes it sends, and why: ``render`` (a pure function returning a
rendered request and its diagnostics), ``url`` (the URL as it goes on the wire), ``explain``
(what a render's findings and the two Liquid versions' differences say, and where),
``lint`` and ``diagnostics``.
"""

__all__: list[str] = []
