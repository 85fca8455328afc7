"""The recipes: one request file per ``*.json`` here, plus ``index.json``.

``index.json`` is not a request file. It maps each recipe's file name to a one-line
``description`` for the recipes gallery and the ``secrets`` the recipe reads, because the
request-file format has no place for either.
"""
