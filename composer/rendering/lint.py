"""Checks of a rendered request against what Customer.io and the endpoint will accept.

Each check takes the rendered text together with its :class:`RenderOutcome` (which knows
which template position produced each rendered character) and returns diagnostics placed
in the *template*, so the author is pointed at the line to change:

* the body against its Content-Type: JSON must parse, form-encoded bodies must be
  ``k=v&...`` with every value percent-encoded, XML must be well-formed;
* the URL must be http(s) and must parse; a literal password in it belongs in the keychain;
* a rendered header value must not hold CR or LF (such a request can never be sent).
"""

from __future__ import annotations

import json
import re
import xml.parsers.expat
from typing import Literal

from composer.liquid import RenderOutcome
from composer.rendering.diagnostics import Diagnostic, Severity, line_column

__all__ = ["BodyKind", "body_kind", "check_body", "check_header_value", "tag_text"]

BodyKind = Literal["json", "form", "xml", "other"]

_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


# Built once: JSON as RFC 8259 has it (no NaN or Infinity, which Python's json accepts).
_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def body_kind(content_type: str) -> tuple[BodyKind, str | None]:
    """What a rendered Content-Type value asks the body to be, and a note if it is odd."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/json", "text/json") or media.endswith("+json"):
        return "json", None
    if media == "application/x-www-form-urlencoded":
        return "form", None
    if media == "x-www-form-urlencoded":
        return "form", (
            "'x-www-form-urlencoded' is not a complete media type; most servers expect "
            "'application/x-www-form-urlencoded'"
        )
    if media in ("text/xml", "application/xml") or media.endswith("+xml"):
        return "xml", None
    return "other", None


def tag_text(template: str, origin: int) -> str:
    """The ``{{ ... }}`` or ``{% ... %}`` tag starting at ``origin``, on one line."""
    opener = template[origin : origin + 2]
    closer = "}}" if opener == "{{" else "%}"
    end = template.find(closer, origin)
    text = template[origin : end + 2] if end >= 0 else template[origin : origin + 40]
    return " ".join(text.split())


_TAGS: tuple[str, dict[int, str]] = ("", {})
"""The tags of the template checked last, by where they start: one template is checked
for many people, so each tag's text is worked out once (only the last template is
kept, so a large body typed in the editor is not held many times over)."""


def _tag_at(template: str, origin: int) -> str:
    """:func:`tag_text`, remembered for the template checked last."""
    global _TAGS
    memo = _TAGS
    if memo[0] is not template and memo[0] != template:
        memo = _TAGS = (template, {})
    found = memo[1].get(origin)
    if found is None:
        found = memo[1][origin] = tag_text(template, origin)
    return found


def _at(
    severity: Severity, where: str, template: str, origin: int | None, message: str
) -> Diagnostic:
    line, column = line_column(template, origin) if origin is not None else (1, 1)
    return Diagnostic(severity, where, line, column, message)


def check_body(
    kind: BodyKind, where: str, template: str, outcome: RenderOutcome
) -> list[Diagnostic]:
    """Check a rendered body of ``kind``; diagnostics point into ``template``."""
    if kind == "json":
        return _check_json(where, template, outcome)
    if kind == "form":
        return _check_form(where, template, outcome)
    if kind == "xml":
        return _check_xml(where, template, outcome)
    return []


def _explain_origin(template: str, outcome: RenderOutcome, offset: int) -> tuple[int | None, str]:
    """Where a problem at rendered ``offset`` came from, and a phrase saying so."""
    origin = outcome.origin_of(offset)
    if origin is None:
        return None, ""
    if template.startswith(("{{", "{%"), origin):
        return origin, f" (in the text written by {tag_text(template, origin)})"
    return origin, ""


def _empty_json_output(template: str, origin: int | None) -> int | None:
    """Where a ``{{ … | json }}`` ends right before ``origin`` and wrote nothing, if one does.

    An output that writes nothing leaves no trace in the source map, so a JSON error it
    causes is found in the literal text after it; this looks back from there.
    """
    if origin is None:
        return None
    before = template[:origin].rstrip(" \t\r\n")
    if not before.endswith("}}"):
        return None
    start = before.rfind("{{")
    if start < 0 or not re.search(r"\|\s*json\s*(-)?}}$", before[start:]):
        return None
    return start


def _check_json(where: str, template: str, outcome: RenderOutcome) -> list[Diagnostic]:
    text = outcome.text
    if not text.strip():
        return []

    try:
        _JSON.decode(text)
        return []
    except json.JSONDecodeError as exc:
        offset, reason = exc.pos, exc.msg
    except ValueError as exc:
        match = re.search(r"\b(NaN|-?Infinity)\b", text)
        offset, reason = (match.start() if match else 0), str(exc)
    line, column = line_column(text, offset)
    origin, source = _explain_origin(template, outcome, offset)
    hint = ""
    if text.startswith("nil", offset):
        hint = (
            "; 'nil' is how a Ruby hash writes an empty attribute: "
            "give every person a value, or build the JSON with | json"
        )
    elif source:
        hint = "; a value with a quote, backslash or line break needs | json"
    elif (empty := _empty_json_output(template, origin)) is not None:
        origin = empty
        hint = (
            f"; {tag_text(template, empty)} wrote nothing: | json of a missing value writes "
            "nothing in latest Liquid (legacy writes null); put | default: '' before | json, "
            "or | default: 'null' after it"
        )
    message = (
        f"the rendered body is not valid JSON: {reason} at rendered line {line}, "
        f"column {column}{source}{hint}"
    )
    return [_at("error", where, template, origin, message)]


def _check_form(where: str, template: str, outcome: RenderOutcome) -> list[Diagnostic]:
    text = outcome.text
    found: list[Diagnostic] = []
    if "\n" in text.strip() or "\r" in text:
        offset = text.find("\n") if "\n" in text else text.find("\r")
        origin, _ = _explain_origin(template, outcome, offset)
        found.append(
            _at(
                "warning",
                where,
                template,
                origin,
                "the form body contains a line break; form bodies are one line, so the break "
                "is sent as part of a value",
            )
        )
    for start, end, origin, exact in outcome.segments():
        if exact:
            continue
        value = text[start:end]
        tag = _tag_at(template, origin)
        if "url_encode" in tag:
            continue  # encoded on purpose: '+' and '%XX' are what it should write
        problems = []
        if "+" in value:
            problems.append("a raw '+' (read as a space)")
        if " " in value:
            problems.append("a space")
        if "&" in value:
            problems.append("'&' (starts a new field)")
        if "=" in value:
            problems.append("'='")
        if any(ord(ch) > 127 for ch in value):
            problems.append("non-ASCII characters")
        if _PERCENT.search(value):
            problems.append("a '%' that is not an escape")
        if problems:
            found.append(
                _at(
                    "warning",
                    where,
                    template,
                    origin,
                    f"{tag} wrote {', '.join(problems)} into the form body unencoded; "
                    "add | url_encode",
                )
            )
    for field in text.strip().split("&"):
        if field and "=" not in field:
            offset = text.find(field)
            origin, _ = _explain_origin(template, outcome, offset)
            found.append(
                _at("warning", where, template, origin, f"form field {field[:30]!r} has no '='")
            )
            break
    return found


def _check_xml(where: str, template: str, outcome: RenderOutcome) -> list[Diagnostic]:
    text = outcome.text
    if not text.strip():
        return []
    parser = xml.parsers.expat.ParserCreate()
    # No entity or DTD expansion is needed to decide well-formedness.
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text.encode("utf-8"), True)
        return []
    except xml.parsers.expat.ExpatError as exc:
        lines = text.split("\n")
        line_index = max(0, (exc.lineno or 1) - 1)
        # expat counts columns in bytes of the line; turn that back into characters.
        line_bytes = lines[line_index].encode("utf-8") if line_index < len(lines) else b""
        column_chars = len(line_bytes[: exc.offset or 0].decode("utf-8", "ignore"))
        offset = sum(len(x) + 1 for x in lines[:line_index]) + column_chars
        origin, source = _explain_origin(template, outcome, offset)
        reason = xml.parsers.expat.ErrorString(exc.code) if exc.code else str(exc)
        message = (
            f"the rendered body is not well-formed XML: {reason} at rendered line "
            f"{line_index + 1}, column {column_chars + 1}{source}"
        )
        return [_at("error", where, template, origin, message)]


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_NAMES = {"\r": "a line break (CR)", "\n": "a line break (LF)", "\x00": "a NUL character"}


def check_header_value(where: str, template: str, outcome: RenderOutcome) -> list[Diagnostic]:
    """A header value with a control character can never be sent.

    CR or LF would split the header; NUL and the other controls (all but TAB) are
    refused by HTTP itself (RFC 9110, field values), and by the sender before anything
    leaves. The rendered value is checked, surrounding blanks included.
    """
    text = outcome.text
    found = _CONTROL.search(text)
    if found is None:
        return []
    offset, ch = found.start(), found.group()
    origin, source = _explain_origin(template, outcome, offset)
    name = _CONTROL_NAMES.get(ch, f"the control character U+{ord(ch):04X}")
    return [
        _at(
            "error",
            where,
            template,
            origin,
            f"the rendered header value contains {name}{source}; such a request can never be sent",
        )
    ]
