"""Render for every person: ``sweep`` (the per-person check), ``plan`` (what each person
needs), ``workers`` (processes), ``upgrade`` (both Liquid versions compared).
"""

__all__: list[str] = []
