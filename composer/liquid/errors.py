"""What goes wrong in a template, drawn as a tree.

::

    LiquidError                  a template problem, with where it is (an index into the source)
     ├── LiquidSyntaxError       the template does not parse: nothing renders
     ├── LiquidRenderError       a tag, filter or value failed while rendering
     └── RenderLimitError        a guard stopped the render: deadline, output size, loop
                                 iterations, assigned bytes, nesting, number size

Every one is "the template said no", never "the program has a bug": callers turn them
into diagnostics with a line and column. ``message`` is a plain sentence for a person
and names what is wrong (the filter, the argument, the tag); ``index`` is the 0-based
offset in the template source where the problem starts, or None when no place is known.
"""

from __future__ import annotations

__all__ = ["LiquidError", "LiquidRenderError", "LiquidSyntaxError", "RenderLimitError"]


class LiquidError(Exception):
    """A problem with a template, at ``index`` in its source."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        """What is wrong, as a sentence for a person."""
        self.index = index
        """The 0-based offset in the template source, or None when not known."""

    def at(self, index: int | None) -> LiquidError:
        """This error placed at ``index`` unless it already has a place; returns itself."""
        if self.index is None:
            self.index = index
        return self


class LiquidSyntaxError(LiquidError):
    """The template does not parse, so it cannot render at all."""


class LiquidRenderError(LiquidError):
    """A tag, a filter or a value failed while the template rendered."""


class RenderLimitError(LiquidError):
    """A guard stopped the render: it ran too long or asked for too much."""
