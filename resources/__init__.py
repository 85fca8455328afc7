"""Data shipped with Webhook Composer: the recipes and the sample workspace.

This package holds no code; it exists so the files travel inside the wheel and the
bundle and can be found with :mod:`importlib.resources`.
"""
