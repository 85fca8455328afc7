"""A request to the exact bytes it sends, and why: ``render`` (a pure function returning a
rendered request and its diagnostics), ``lint`` and ``diagnostics``.
"""

__all__: list[str] = []
