"""Render for every person: ``sweep`` (the per-person check), ``plan`` (what each person
needs), ``workers`` (processes), ``upgrade`` (both Liquid versions compared) and
``shared_render`` (its fast path: many people compared in one run per version).
"""

__all__: list[str] = []
