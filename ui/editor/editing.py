"""Editing keys of the Liquid editor: Enter that indents, and Ctrl+/ that comments out.

The decisions, as pure functions of text (tested without a window) and the two cursor
operations :class:`~ui.editor.code_editor.CodeEditor` calls:

* **Enter** keeps the line's indentation (spaces and tabs as written) and adds one level
  after a line that opens something: a line ending in ``{`` or ``[`` (JSON, XML's
  neighbours), or a Liquid block tag that has an end (``{% if … %}``, ``{% for … %}``,
  ``unless``, ``case``, ``capture``, ``tablerow``, ``comment``, ``raw``) or continues one
  (``else``, ``elsif``, ``when``). One level is a tab where the line is indented with a
  tab, else two spaces (what the shipped recipes use). A block that opens and closes on the
  same line (``{% if a %}x{% endif %}``) opens nothing.
* **Ctrl+/** wraps the selected lines (the cursor's line without a selection) in
  ``{% comment %}`` … ``{% endcomment %}``: the opening tag after the first line's
  indentation, the closing tag at the end of the last line, so no line is added and the
  lines keep their numbers (a diagnostic's line still points at the same text). Pressed
  again on lines wrapped that way, it takes the tags off. This form, rather than latest's
  ``{% # … %}`` per line, is chosen because it means the same in both of Customer.io's
  Liquid versions (legacy has no inline comment) and comments out text with ``%}`` in
  it too. A ``{% comment %}`` renders nothing, so the commented lines' bytes leave the
  output; the line breaks around them stay. Either way it is one undo step.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextCursor

__all__ = [
    "COMMENT_CLOSE",
    "COMMENT_OPEN",
    "indent_after",
    "insert_newline",
    "toggle_comment",
    "toggled_comment",
]

COMMENT_OPEN = "{% comment %}"
"""Put before the first commented line's text."""
COMMENT_CLOSE = "{% endcomment %}"
"""Put after the last commented line's text."""

_OPENERS = ("if", "unless", "for", "case", "capture", "tablerow", "comment", "raw")
_CONTINUERS = ("else", "elsif", "when")
_TAG = re.compile(r"\{%-?\s*(\w+)[^%]*?-?%\}")
_WRAPPED = re.compile(r"\{%-?\s*comment\s*-?%\}(.*)\{%-?\s*endcomment\s*-?%\}", re.DOTALL)


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_after(line: str) -> str:
    """The indentation a new line typed after ``line`` (the text before the cursor) gets."""
    kept = _indentation(line)
    unit = "\t" if "\t" in kept else "  "
    stripped = line.rstrip()
    if stripped.endswith(("{", "[")) and not stripped.endswith(("{{", "{%")):
        return kept + unit
    depth = 0
    for match in _TAG.finditer(stripped):
        name = match.group(1)
        if name in _OPENERS:
            depth += 1
        elif name.startswith("end") and name[3:] in _OPENERS:
            depth -= 1
    last = list(_TAG.finditer(stripped))
    ends_with_tag = bool(last) and stripped.endswith(last[-1].group(0))
    if depth > 0 or (ends_with_tag and last[-1].group(1) in _CONTINUERS):
        return kept + unit
    return kept


def toggled_comment(lines: list[str]) -> list[str]:
    """``lines`` wrapped in a Liquid comment, or unwrapped when they already are."""
    if not lines:
        return lines
    text = "\n".join(lines)
    head = _indentation(lines[0])
    body = text[len(head) :]
    wrapped = _WRAPPED.fullmatch(body)
    if wrapped:
        return (head + wrapped.group(1)).split("\n")
    return (head + COMMENT_OPEN + body + COMMENT_CLOSE).split("\n")


def toggle_comment(cursor: QTextCursor) -> None:
    """Toggle the comment on the lines ``cursor`` covers, as one undo step."""
    document = cursor.document()
    start, end = sorted((cursor.anchor(), cursor.position()))
    first = document.findBlock(start)
    last = document.findBlock(end)
    if end > start and end == last.position() and last.blockNumber() > first.blockNumber():
        last = last.previous()  # a selection ending at a line's start leaves that line out
    lines = []
    block = first
    while True:
        lines.append(block.text())
        if block == last or not block.isValid():
            break
        block = block.next()
    number, start_at = first.blockNumber(), first.position()
    edit = QTextCursor(document)
    edit.setPosition(start_at)
    edit.setPosition(last.position() + len(last.text()), QTextCursor.MoveMode.KeepAnchor)
    edit.beginEditBlock()
    edit.insertText("\n".join(toggled_comment(lines)))
    edit.endEditBlock()
    new_last = document.findBlockByNumber(number + len(lines) - 1)  # blocks were replaced
    cursor.setPosition(start_at)
    cursor.setPosition(new_last.position() + len(new_last.text()), QTextCursor.MoveMode.KeepAnchor)


def insert_newline(cursor: QTextCursor) -> None:
    """Break the line at ``cursor`` (replacing its selection) with the indentation
    :func:`indent_after` gives, as one undo step."""
    cursor.beginEditBlock()
    if cursor.hasSelection():
        cursor.removeSelectedText()
    before = cursor.block().text()[: cursor.positionInBlock()]
    cursor.insertText("\n" + indent_after(before))
    cursor.endEditBlock()
