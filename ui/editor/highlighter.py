"""Syntax highlighting for Liquid templates and the body's own syntax (JSON, XML, form).

Colours follow the application palette: a light and a dark set, chosen when the
highlighter is made and chosen again whenever the theme switches
(:func:`ui.widgets.palette.theme_notifier`), so an open editor turns with the window. Every
colour of each set reads at least 4.5:1 (WCAG) against the text background of its scheme,
checked by the tests.

Liquid outputs (``{{ … }}``) and tags (``{% … %}``) are highlighted on top of the body's
syntax, which follows the Content-Type (:meth:`LiquidHighlighter.set_syntax`). Outputs and
tags may span lines, and ``{% comment %}`` / ``{% raw %}`` blocks run until their end tag;
the block state carries which of these is open into the next line.

Highlighting runs on the GUI thread, one line at a time as lines change. A line longer than
:data:`LONG_LINE` gets only its Liquid highlighted (a minified 1 MB JSON line would
otherwise cost a full tokenisation per keystroke); the editor switches highlighting off
entirely for very large documents (:mod:`ui.editor.code_editor`).
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

__all__ = ["LONG_LINE", "SYNTAXES", "LiquidHighlighter", "dark_palette", "syntax_for"]

LONG_LINE = 4000
"""Lines longer than this get Liquid highlighting only."""
SYNTAXES = ("json", "xml", "form", "text")
"""The body syntaxes the highlighter knows."""

_NONE, _OUTPUT, _TAG, _COMMENT, _RAW = range(-1, 4)
_OPEN = re.compile(r"\{\{|\{%")
_CLOSE = {_OUTPUT: re.compile(r"\}\}"), _TAG: re.compile(r"%\}")}
_END_BLOCK = {
    _COMMENT: re.compile(r"\{%-?\s*endcomment\s*-?%\}"),
    _RAW: re.compile(r"\{%-?\s*endraw\s*-?%\}"),
}
_BLOCK_START = re.compile(r"\{%-?\s*(comment|raw)\s*-?%\}")
_INNER = re.compile(
    r"(?P<str>\"[^\"]*\"|'[^']*')|(?P<filter>\|\s*\w+)|(?P<word>\b[A-Za-z_][\w.\-]*\b)"
)
_JSON = re.compile(
    r"(?P<key>\"(?:[^\"\\]|\\.)*\"(?=\s*:))|(?P<str>\"(?:[^\"\\]|\\.)*\"?)"
    r"|(?P<num>-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|(?P<kw>\b(?:true|false|null)\b)"
    r"|(?P<punct>[{}\[\]:,])"
)
_XML = re.compile(
    r"(?P<comment><!--.*?-->)|(?P<tag></?[\w:.\-]+|/?>|\?>|<\?[\w:]+)"
    r"|(?P<attr>\b[\w:.\-]+(?==))|(?P<str>\"[^\"]*\"|'[^']*')"
)
_FORM = re.compile(r"(?P<key>(?:^|(?<=&))[^=&]+(?==))|(?P<punct>[=&])|(?P<esc>%[0-9A-Fa-f]{2})")


_LIGHT = {
    "delim": "#b8008a",
    "liquid": "#7a1fa2",
    "lstr": "#a85a00",
    "filter": "#0b6e99",
    "comment": "#5f6771",
    "key": "#0550ae",
    "str": "#116329",
    "num": "#953800",
    "kw": "#cf222e",
    "punct": "#57606a",
    "tag": "#0550ae",
    "attr": "#8250df",
    "esc": "#953800",
}
_DARK = {
    "delim": "#ff7ad9",
    "liquid": "#d2a8ff",
    "lstr": "#ffa657",
    "filter": "#79c0ff",
    "comment": "#8b949e",
    "key": "#79c0ff",
    "str": "#7ee787",
    "num": "#ffa657",
    "kw": "#ff7b72",
    "punct": "#8b949e",
    "tag": "#79c0ff",
    "attr": "#d2a8ff",
    "esc": "#ffa657",
}
_BOLD = frozenset({"delim", "filter", "tag"})


def dark_palette() -> bool:
    """Whether the application's palette is dark (its text background is)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return base.lightness() < 128


def syntax_for(content_type: str) -> str:
    """The body syntax for a Content-Type value."""
    value = content_type.lower()
    if "json" in value:
        return "json"
    if "xml" in value:
        return "xml"
    if "x-www-form-urlencoded" in value:
        return "form"
    return "text"


def _fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    return fmt


class LiquidHighlighter(QSyntaxHighlighter):
    """Highlights Liquid and the body syntax in a QTextDocument."""

    def __init__(self, document: QTextDocument, syntax: str = "text") -> None:
        super().__init__(document)
        self._syntax = syntax
        self.formats: dict[str, QTextCharFormat] = {}
        self._pick_colours()
        from ui.widgets.palette import theme_notifier

        theme_notifier().changed.connect(self._theme_changed)

    def _pick_colours(self) -> None:
        colors = _DARK if dark_palette() else _LIGHT
        self.formats = {
            kind: _fmt(colors[kind], bold=kind in _BOLD, italic=kind == "comment")
            for kind in _LIGHT
        }

    def _theme_changed(self, _dark: bool) -> None:
        self._pick_colours()
        self.rehighlight()

    @staticmethod
    def colour_sets() -> dict[str, dict[str, str]]:
        """The colours of each scheme, by kind of token (``light``, ``dark``)."""
        return {"light": dict(_LIGHT), "dark": dict(_DARK)}

    @property
    def syntax(self) -> str:
        """The body syntax in use."""
        return self._syntax

    def set_syntax(self, syntax: str) -> None:
        """Switch the body syntax (``json``, ``xml``, ``form`` or ``text``) and re-highlight."""
        if syntax != self._syntax:
            self._syntax = syntax
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        """Highlight one line: body syntax first, then Liquid regions over it."""
        if self._syntax != "text" and len(text) <= LONG_LINE:
            self._body(text)
        self._liquid(text)

    def _body(self, text: str) -> None:
        pattern = {"json": _JSON, "xml": _XML, "form": _FORM}[self._syntax]
        for match in pattern.finditer(text):
            kind = match.lastgroup or "punct"
            self.setFormat(match.start(), match.end() - match.start(), self.formats[kind])

    def _liquid(self, text: str) -> None:
        state = self.previousBlockState()
        pos = 0
        n = len(text)
        while pos <= n:
            if state in _END_BLOCK:
                end = _END_BLOCK[state].search(text, pos)
                stop = n if end is None else end.start()
                if state == _COMMENT:
                    self.setFormat(pos, stop - pos, self.formats["comment"])
                if end is None:
                    break
                self._region(text, end.start(), end.end())
                pos, state = end.end(), _NONE
                continue
            if state in _CLOSE:
                close = _CLOSE[state].search(text, pos)
                stop = n if close is None else close.end()
                self._region(text, pos, stop)
                if close is None:
                    break
                pos, state = stop, _NONE
                continue
            opening = _OPEN.search(text, pos)
            if opening is None:
                break
            block = _BLOCK_START.match(text, opening.start())
            if block is not None:
                self._region(text, block.start(), block.end())
                pos = block.end()
                state = _COMMENT if block.group(1) == "comment" else _RAW
                continue
            state = _OUTPUT if opening.group() == "{{" else _TAG
            pos = opening.start()
        self.setCurrentBlockState(state)

    def _region(self, text: str, start: int, end: int) -> None:
        """Format one Liquid region ``text[start:end]`` (delimiters, words, strings, filters)."""
        if end <= start:
            return
        self.setFormat(start, end - start, self.formats["liquid"])
        segment = text[start:end]
        for match in _INNER.finditer(segment):
            kind = {"str": "lstr", "filter": "filter", "word": "liquid"}[match.lastgroup or "word"]
            self.setFormat(start + match.start(), match.end() - match.start(), self.formats[kind])
        if segment[:2] in ("{{", "{%"):
            self.setFormat(start, 2, self.formats["delim"])
        if segment.endswith(("}}", "%}")):
            self.setFormat(end - 2, 2, self.formats["delim"])
