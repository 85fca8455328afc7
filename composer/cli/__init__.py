"""The command line: ``main`` parses and dispatches; one module per family of commands.

See docs/ARCHITECTURE.md for where each layer sits.
"""

__all__: list[str] = []
