"""Shell syntax for cURL commands: splitting a pasted command into words, quoting one.

Part of :mod:`composer.curl.parse`. :func:`shell_words` reads a command as a POSIX shell
would: single and double quotes, backslash escapes, bash's ANSI-C ``$'...'`` (what
Chrome and Firefox write for bodies with quotes or line breaks; its ``\\xHH`` and octal
escapes are bytes, so ``\\xc3\\xa9`` is "é" in UTF-8), and line continuations (``\\``
at the end of a line, also with stray spaces after it; the Windows ``cmd`` form with
``^`` continuations and ``^`` escapes, as "Copy as cURL (cmd)" writes it, is read best
effort). An unquoted ``|``, ``;``, ``&`` or ``&&`` ends the command, as does a ``#``
comment (an ``&`` or ``;`` inside a word, as in an unquoted URL's query string, is
kept). :func:`shell_quote` single-quotes for a POSIX shell (an embedded ``'`` becomes
``'\\''``). What cannot be read is an :class:`~composer.errors.InvalidFileError`.
"""

from __future__ import annotations

import re

from composer.errors import InvalidFileError

__all__ = ["SOURCE", "shell_quote", "shell_words"]

SOURCE = "<curl command>"
"""What errors about a pasted command name as their source."""
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
         "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


def _fail(reason: str) -> InvalidFileError:
    return InvalidFileError(SOURCE, reason)


def _unwrap_lines(text: str) -> str:
    """Join continuation lines: ``\\`` + newline (outside single quotes), or cmd's ``^``."""
    text = text.strip().replace("\r\n", "\n")
    if re.search(r"\^\n", text) and '^"' in text:
        text = re.sub(r"\^\n", " ", text)
        return re.sub(r"\^(.)", r"\1", text)  # cmd's escapes: ^" ^% ^& ...
    out: list[str] = []
    i, quote_char = 0, ""
    while i < len(text):
        ch = text[i]
        if quote_char != "'" and ch == "\\" and text[i + 1 : i + 2] == "\n":
            i += 2
            continue
        if quote_char != "'" and ch == "\\" and re.match(r"\\[ \t]+\n", text[i:]):
            i = text.index("\n", i) + 1  # a stray space after the backslash
            continue
        if ch == "\\" and quote_char != "'":
            out.append(text[i : i + 2])
            i += 2
            continue
        if not quote_char and ch == "$" and text[i + 1 : i + 2] == "'":
            quote_char = "$"  # bash's $'...', where a backslash escapes a quote
            out.append("$'")
            i += 2
            continue
        if (ch == "'" and quote_char in ("", "'", "$")) or (ch == '"' and quote_char in ("", '"')):
            quote_char = "" if quote_char else ch
        out.append(ch)
        i += 1
    return "".join(out)


def _ansi_c(text: str, start: int) -> tuple[str, int]:
    """Decode bash's ``$'...'`` from the character after the opening quote.

    ``\\xHH`` and octal escapes are bytes (so ``\\xc3\\xa9`` is "é" in UTF-8);
    ``\\uHHHH`` and ``\\UHHHHHHHH`` are characters.
    """
    out = bytearray()
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "'":
            decoded = out.decode("utf-8", errors="replace")
            return decoded, i + 1
        nxt = text[i + 1 : i + 2]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
        elif nxt in _ANSI:
            out += _ANSI[nxt].encode("utf-8")
            i += 2
        elif nxt in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = re.match("[0-9A-Fa-f]{1," + str(width) + "}", text[i + 2 :])
            if digits is None:
                out += ("\\" + nxt).encode("utf-8")
            elif nxt == "x":
                out.append(int(digits.group(), 16))
            else:  # beyond U+10FFFF, or half a surrogate pair: not a character
                code = int(digits.group(), 16)
                char = chr(code) if code <= 0x10FFFF else "\ufffd"
                out += char.encode("utf-8", errors="replace")
            i += 2 + (len(digits.group()) if digits else 0)
        elif nxt and nxt in "01234567":
            digits = re.match("[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            out.append(int(digits.group(), 8) & 0xFF)
            i += 1 + len(digits.group())
        else:
            out += ("\\" + nxt).encode("utf-8")
            i += 2
    raise _fail("a $'...' string is not closed")


def shell_words(text: str) -> list[str]:
    """Split a command line into words as a POSIX shell (with bash's ``$'...'``) would."""
    text = _unwrap_lines(text)
    words: list[str] = []
    word: list[str] | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t\n":
            if word is not None:
                words.append("".join(word))
                word = None
            i += 1
            continue
        ends = text[i + 1 : i + 2] in ("", " ", "\t", "\n", "&", "|")
        if ch == "|" or (ch in ";&" and (word is None or ends)) or (ch == "#" and word is None):
            break  # the rest is another command (or a comment)
        word = [] if word is None else word
        if ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise _fail("a single quote is not closed")
            word.append(text[i + 1 : end])
            i = end + 1
        elif ch == "$" and text[i + 1 : i + 2] == "'":
            piece, i = _ansi_c(text, i + 2)
            word.append(piece)
        elif ch == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                if text[i] == "\\" and text[i + 1 : i + 2] in ('"', "\\", "$", "`", "\n"):
                    word.append(text[i + 1] if text[i + 1] != "\n" else "")
                    i += 2
                else:
                    word.append(text[i])
                    i += 1
            if i >= len(text):
                raise _fail("a double quote is not closed")
            i += 1
        elif ch == "\\":
            word.append(text[i + 1 : i + 2])
            i += 2
        else:
            word.append(ch)
            i += 1
    if word is not None:
        words.append("".join(word))
    return words


def shell_quote(text: str) -> str:
    """``text`` single-quoted for a POSIX shell."""
    return "'" + text.replace("'", "'\\''") + "'"
