"""Masking secret values in what comes back: every way an endpoint can echo them.

An endpoint that echoes the request (httpbin, a logging proxy, an error page) returns the
secrets it was sent, but rarely as the bytes that left: a JSON body quotes them with
escapes, a query string percent-encodes them, an HTML page writes entities, and a
template may have encoded them itself with ``| base64_encode`` or ``| json``. A
:class:`Masker` replaces every such form of each sensitive text with ``••••••``:

* **The text itself**, and each character of it written any of these ways (mixed freely
  within one occurrence): JSON string escapes (``\\u00e4`` or ``\\u00E4``, surrogate
  pairs, ``\\"``, ``\\\\``, ``\\/``, ``\\n`` and the other short escapes), the same escapes
  escaped once more (JSON inside a JSON string, as an echo of a JSON body is),
  percent-encoding (``%C3%A4`` or ``%c3%a4``; a space as ``%20`` or ``+``), percent-encoded
  JSON escapes (``%5C%22``), and HTML entities (``&amp;``, ``&quot;``, ``&#39;``,
  ``&#228;``, ``&#xE4;``). Letters, digits and ``-._~`` are matched as themselves only:
  no encoder in use escapes them.
* **Mojibake**: a text with non-ASCII characters as a server that reads UTF-8 as Latin-1
  (HTTP's old default for header values) writes it back, in all of the forms above.
* **Base64**, standard and URL-safe, with or without padding, of the text alone, and of
  the text inside a longer base64 text (``user:secret`` in a Basic credential, a JSON
  body encoded whole, where the text is JSON-escaped as well): a text can sit at three
  alignments in base64, and at each the
  characters that depend only on its bytes are masked. The characters at the edges,
  which mix in a few bits of the neighbouring bytes, stay; so does anything shorter than
  :data:`BASE64_MIN` characters, which would match unrelated base64 by chance. The base64
  forms are themselves matched in their escaped forms (``\\/``, ``%2B``).

Matching is linear in the size of the data: each form's regular expression is a fixed
sequence of alternatives (no repetition), and a form is only searched for when its
longest plain run (letters and digits) occurs at all, which rules out almost every body
at the speed of a substring search.

What is not masked: hashes and HMACs of a secret (they do not reveal it), and a secret
transformed in other ways (reversed, upper-cased). A response mapping whose value would
store a secret is refused separately (:mod:`composer.delivery.mapping`), using :meth:`Masker.finds`.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

from composer.rendering.render import MASK

__all__ = ["BASE64_MIN", "Masker", "masker_for"]

BASE64_MIN = 6
"""Base64 forms shorter than this many characters are not masked (too likely by chance)."""

_PLAIN = frozenset(string.ascii_letters + string.digits + "-._~")
_RUN = re.compile(r"[A-Za-z0-9]+")
_SHORT_JSON = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NAMED_HTML = {
    "&": ("&amp;",),
    "<": ("&lt;",),
    ">": ("&gt;",),
    '"': ("&quot;",),
    "'": ("&#39;", "&#x27;", "&apos;"),
}


def _json_forms(char: str) -> set[str]:
    """``char`` as a JSON string writes it: its short escape, and ``\\uXXXX`` either case."""
    code = ord(char)
    units = [code] if code <= 0xFFFF else [0xD800 + ((code - 0x10000) >> 10)]
    if code > 0xFFFF:
        units.append(0xDC00 + ((code - 0x10000) & 0x3FF))
    forms = {"".join(f"\\u{u:04x}" for u in units), "".join(f"\\u{u:04X}" for u in units)}
    if char in _SHORT_JSON:
        forms.add(_SHORT_JSON[char])
    return forms


def _percent(text: str, upper: bool = True) -> str:
    """``text`` percent-encoded as UTF-8, every character but the unreserved ones."""
    spec = "%{:02X}" if upper else "%{:02x}"
    return "".join(
        ch if ch in _PLAIN else "".join(spec.format(b) for b in ch.encode("utf-8")) for ch in text
    )


@functools.lru_cache(maxsize=4096)
def _char_forms(char: str) -> tuple[str, ...]:
    """Every way one character of a sensitive text may come back, longest first."""
    if char in _PLAIN:
        return (char,)
    json_once = _json_forms(char)
    forms = {char, *json_once}
    forms |= {f.replace("\\", "\\\\").replace('"', '\\"') for f in json_once | {char}}
    forms |= {_percent(f, upper) for f in json_once | {char} for upper in (True, False)}
    if char == " ":
        forms.add("+")
    forms |= {f"&#{ord(char)};", f"&#x{ord(char):x};", f"&#x{ord(char):X};"}
    forms |= set(_NAMED_HTML.get(char, ()))
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def _pattern(text: str) -> str:
    """A regular expression matching ``text`` with each character in any of its forms."""
    parts: list[str] = []
    for char in text:
        forms = _char_forms(char)
        if len(forms) == 1:
            parts.append(re.escape(forms[0]))
        else:
            parts.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
    return "".join(parts)


def _as_latin1(text: str) -> str:
    """``text`` as a server that reads its UTF-8 bytes as Latin-1 echoes it."""
    return text.encode("utf-8").decode("latin-1")


def _base64_forms(text: str) -> set[str]:
    """The base64 text that ``text`` becomes, alone and at each alignment inside more,
    as it is and as a JSON string writes it (a JSON body encoded whole)."""
    found: set[str] = set()
    for written in {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}:
        found |= _base64_of(written.encode("utf-8"))
    return {form for form in found if len(form) >= BASE64_MIN}


def _base64_of(raw: bytes) -> set[str]:
    found: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode("ascii")
        found |= {whole, whole.rstrip("=")}
        for offset in range(3):
            encoded = encode(bytes(offset) + raw).decode("ascii").rstrip("=")
            skip = (8 * offset + 5) // 6  # characters that mix in the bytes before
            total = offset + len(raw)
            keep = (total // 3) * 4 + (8 * (total % 3)) // 6  # those fully determined
            found.add(encoded[skip:keep])
    return found


@dataclass(frozen=True, slots=True)
class _Form:
    anchor: bytes
    """The longest plain run every match contains (empty: no quick test)."""
    text: re.Pattern[str]
    data: re.Pattern[bytes]


def _form(text: str) -> _Form:
    pattern = _pattern(text)
    runs = _RUN.findall(text)
    anchor = max(runs, key=len) if runs else ""
    return _Form(
        anchor.encode("ascii") if len(anchor) >= 3 else b"",
        re.compile(pattern),
        re.compile(pattern.encode("utf-8")),
    )


class Masker:
    """Replaces every form of some sensitive texts with :data:`MASK`."""

    def __init__(self, sensitive: Iterable[str]) -> None:
        texts = sorted({t for t in sensitive if t and t != MASK}, key=len, reverse=True)
        self.texts: tuple[str, ...] = tuple(texts)
        """The sensitive texts, longest first."""
        found = {_as_latin1(t) for t in texts if not t.isascii()}
        found |= {b for t in (*texts, *found) for b in _base64_forms(t)}
        derived = sorted(found - set(texts), key=len)
        self._forms = tuple(_form(t) for t in (*texts, *reversed(derived)))

    def __bool__(self) -> bool:
        return bool(self.texts)

    def mask_bytes(self, data: bytes) -> bytes:
        """``data`` with every form of every sensitive text replaced by the mask."""
        mask = MASK.encode("utf-8")
        for form in self._forms:
            if form.anchor and form.anchor not in data:
                continue
            data = form.data.sub(mask, data)
        return data

    def mask(self, text: str) -> str:
        """``text`` with every form of every sensitive text replaced by the mask."""
        for form in self._forms:
            if form.anchor and form.anchor.decode("ascii") not in text:
                continue
            text = form.text.sub(MASK, text)
        return text

    def finds(self, text: str) -> bool:
        """Whether ``text`` holds a sensitive text in any form, or the mask itself."""
        if MASK in text:
            return True
        return any(
            form.text.search(text) is not None
            for form in self._forms
            if not form.anchor or form.anchor.decode("ascii") in text
        )


@functools.lru_cache(maxsize=64)
def _cached(sensitive: tuple[str, ...]) -> Masker:
    return Masker(sensitive)


def masker_for(sensitive: Iterable[str]) -> Masker:
    """A :class:`Masker` for these texts (built once per set: compiling costs a little)."""
    return _cached(tuple(sorted(set(sensitive))))
