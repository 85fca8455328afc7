"""HTTP header fields, read one way: a header found by name, and ``Name: value`` lines.

:func:`header_value` is how the core, the command line and the window find a header in a
list of ``(name, value)`` pairs (a response's headers, a caught request's).
:func:`parse_header_line` and :func:`parse_header_lines` read header lines a person
typed: the inbox's ``--reply-header`` options and the Inbox page's reply headers, with the
same rules and the same messages.

Decisions:

* **Names are compared without regard to case** (RFC 9110, 5.1).
* **A repeated header: the first occurrence wins.** HTTP combines the values of a
  repeated field with ", " (Set-Cookie excepted), but the fields looked up by name here
  are single-valued ones (Location, Retry-After, Content-Type): for them a repeat is the
  server's mistake and a combined value ("/a, /b") is no URL, no delay and no media type.
  Taking the first is what the outbox recorded as a redirect's target, what the command
  line printed and what the retry schedule read; the response viewer alone took the last,
  and now takes the first as well, so the window, the command line and the stored record
  name the same Location. Every value stays visible in the list of headers.
* **A header line** is ``Name: value``. Blanks (spaces, tabs) around the name and the
  value are dropped. The name must be an HTTP token (letters, digits and
  ``!#$%&'*+-.^_`|~``). The value may not hold CR, LF, NUL or another control character
  (TAB excepted), which would split the header or be refused by HTTP, nor a lone surrogate
  (bytes that were not text), which cannot be encoded.
* **Text is split into lines at LF only.** A CR left inside a line is refused like any
  control character, so ``A: b\\r\\nInjected: x`` is the same mistake given to the
  command line or found in the Inbox page's text (whose editor turns a CR typed or pasted
  into a line break, so one reaches it only from elsewhere, such as its saved settings).
* **A problem names its line**: ``header line 2 ('X Y: z'): <what is wrong>``, the line
  shown as a Python string literal (control characters escaped, one printable line), cut
  to :data:`SHOWN` characters so a hostile line cannot flood the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from composer.errors import KnownError

__all__ = [
    "SHOWN",
    "TOKEN",
    "HeaderLineError",
    "HeaderLineProblem",
    "header_value",
    "parse_header_line",
    "parse_header_lines",
]

SHOWN = 60
"""A bad line is shown in its message cut to this many characters."""

TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""A valid HTTP header name (RFC 9110's token), for every place that checks one."""
_NOT_TOKEN = re.compile(r"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
_NOT_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
_BLANKS = " \t"
_NAMED = {
    "\r": "a line break (CR)",
    "\n": "a line break (LF)",
    "\x00": "a NUL character",
    " ": "a space",
    "\t": "a tab",
}


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The value of header ``name`` (any case): its first occurrence, or None."""
    wanted = name.lower()
    return next((v for k, v in headers if k.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class HeaderLineProblem:
    """A header line that is not ``Name: value``; ``str(problem)`` names the line and why."""

    number: int
    """The line's number, 1 for the first."""
    line: str
    """The line as given."""
    reason: str
    """What is wrong with it, in words."""

    def __str__(self) -> str:
        shown = self.line if len(self.line) <= SHOWN else self.line[:SHOWN] + "…"
        return f"header line {self.number} ({shown!r}): {self.reason}"


class HeaderLineError(KnownError):
    """Raised for a bad header line; ``problem`` says which and why, as does ``str()``."""

    def __init__(self, problem: HeaderLineProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def parse_header_line(line: str, number: int = 1) -> tuple[str, str]:
    """``(name, value)`` of one ``Name: value`` line; raises :class:`HeaderLineError`."""
    read = _read(line)
    if isinstance(read, str):
        raise HeaderLineError(HeaderLineProblem(number, line, read))
    return read


def parse_header_lines(text: str) -> tuple[list[tuple[str, str]], list[HeaderLineProblem]]:
    """The good lines of ``text`` as pairs, and a :class:`HeaderLineProblem` for each bad one.

    Lines are split at LF and numbered from 1; blank lines are skipped.
    """
    pairs: list[tuple[str, str]] = []
    problems: list[HeaderLineProblem] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip(_BLANKS):
            continue
        read = _read(line)
        if isinstance(read, str):
            problems.append(HeaderLineProblem(number, line, read))
        else:
            pairs.append(read)
    return pairs, problems


def _read(line: str) -> tuple[str, str] | str:
    """The pair of a good line, or what is wrong with a bad one."""
    name, colon, value = line.partition(":")
    if not colon:
        return "it has no colon (write it as Name: value)"
    name, value = name.strip(_BLANKS), value.strip(_BLANKS)
    if not name:
        return "it has no name before its colon"
    if not TOKEN.fullmatch(name):
        bad = _NOT_TOKEN.search(name)
        what = _describe(bad.group()) if bad else "a character it cannot hold"
        return f"the name holds {what}; a header name is letters, digits and !#$%&'*+-.^_`|~ only"
    found = _NOT_VALUE.search(value)
    if found is not None:
        return f"the value holds {_describe(found.group())}, which a header cannot"
    return name, value


def _describe(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"a character that is not text (U+{code:04X})"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"the control character U+{code:04X}"
    return f"{char!r}"
