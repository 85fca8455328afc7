"""Ruby's ``Date._parse`` (``ext/date/date_parse.c`` of the date gem 3.2.2, Ruby 3.1).

``Time.parse`` — which 2.5.3's ``date`` filter calls on any string that is not all
digits — reads the text with ``Date._parse``: a heuristic that tries one regular
expression after another (``parse_day``, ``parse_time``, then the first of ``eu``,
``us``, ``iso``, ``jis``, ``vms``, ``sla``, ``dot``, ``iso2``, ``year``, ``mon``, ``mday``,
``ddd`` that matches), each blanking out what it consumed. This is that sequence, in
the same order, with the same patterns (Ruby's ``\\d``/``\\s`` are ASCII: written out
here), giving the same hash of fields. Texts longer than 128 bytes are refused, as the
gem refuses them (``string length (200) exceeds the limit 128``), so no pattern ever
runs on a long input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

__all__ = ["LIMIT", "date_parse"]

LIMIT = 128
"""The longest text (in bytes) ``Date._parse`` accepts."""

Fields = dict[str, object]
_Found = Callable[[re.Match[str]], bool]

_S = r"[ \t\n\v\f\r]"
_DAYS = "sun|mon|tue|wed|thu|fri|sat"
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_ERA = r"(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?"
_I = re.IGNORECASE


_CLASS_ESCAPES = {"d": "0-9", "s": " \\t\\n\\v\\f\\r"}
_ESCAPES = {"d": "[0-9]", "s": _S, "D": "[^0-9]", "S": r"[^ \t\n\v\f\r]"}


def _re(pattern: str, flags: int = _I) -> re.Pattern[str]:
    """Compile an Onigmo pattern whose ``\\d``, ``\\s`` (and negations) are ASCII."""
    out: list[str] = []
    in_class = False
    pos = 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            code = pattern[pos + 1]
            table = _CLASS_ESCAPES if in_class else _ESCAPES
            out.append(table.get(code, char + code))
            pos += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        pos += 1
    return re.compile("".join(out), flags)


_OTHER = re.compile(r"(?:[^\w\-+',./:@\[\]]|_)+")
_DAY = _re(rf"\b({_DAYS})[^-/\d\s]*")
_TIME = _re(
    r"((?:\d+\s*:\s*\d+(?:\s*:\s*\d+(?:[,.]\d*)?)?|\d+\s*h(?:\s*\d+m?(?:\s*\d+s?)?)?)"
    r"(?:\s*[ap](?:m\b|\.m\.))?|\d+\s*[ap](?:m\b|\.m\.))"
    r"(?:\s*((?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?"
    r"|(?-i:(?:[^\W\d_]|[.\s])+)(?:standard|daylight)\stime\b"
    r"|(?-i:[^\W\d_]+)(?:\sdst)?\b))?"
)
_TIME2 = _re(
    r"\A(\d+)h?(?:\s*:?\s*(\d+)m?(?:\s*:?\s*(\d+)(?:[,.](\d+))?s?)?)?(?:\s*([ap])(?:m\b|\.m\.))?"
)
_EU = _re(
    rf"('?\d+)[^-\d\s]*\s*({_MONTHS})[^-\d\s']*(?:\s*{_ERA}\s*('?-?\d+(?:(?:st|nd|rd|th)\b)?))?"
)
_US = _re(rf"\b({_MONTHS})[^-\d\s']*\s*('?\d+)[^-\d\s']*(?:\s*,?\s*{_ERA}\s*('?-?\d+))?")
_ISO = _re(r"('?[-+]?\d+)-(\d+)-('?-?\d+)", 0)
_JIS = _re(r"\b([mtshr])(\d+)\.(\d+)\.(\d+)")
_VMS11 = _re(rf"('?-?\d+)-({_MONTHS})[^-/.]*-('?-?\d+)")
_VMS12 = _re(rf"\b({_MONTHS})[^-/.]*-('?-?\d+)(?:-('?-?\d+))?")
_SLA = _re(r"('?-?\d+)/\s*('?\d+)(?:\D\s*('?-?\d+))?")
_DOT = _re(r"('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)")
_ISO21 = _re(r"\b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b")
_ISO22 = _re(r"-w-(\d)\b")
_ISO23 = _re(r"--(\d{2})?-(\d{2})\b", 0)
_ISO24 = _re(r"--(\d{2})(\d{2})?\b", 0)
_ISO25_NOT = _re(r"[,.](\d{2}|\d{4})-\d{3}\b", 0)
_ISO25 = _re(r"\b(\d{2}|\d{4})-(\d{3})\b", 0)
_ISO26_NOT = _re(r"\d-\d{3}\b", 0)
_ISO26 = _re(r"\b-(\d{3})\b", 0)
_YEAR = _re(r"'(\d+)\b", 0)
_MON = _re(rf"\b({_MONTHS})\S*")
_MDAY = _re(r"(\d+)(st|nd|rd|th)\b")
_DDD = _re(
    r"([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?"
    r"(?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?"
)
_BC = _re(r"\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)")
_FRAG = _re(r"\A\s*(\d{1,2})\s*\Z")


class _Text:
    """The text being parsed: each matcher blanks what it consumed with one space."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def has(self, *kinds: str) -> bool:
        """``HAVE_ELEM_P``: whether the text (as it is now) has each kind of character."""
        text = self.value
        for kind in kinds:
            if kind == "alpha" and not any(c.isascii() and c.isalpha() for c in text):
                return False
            if kind == "digit" and not any(c in "0123456789" for c in text):
                return False
            if kind in "-./" and kind not in text:
                return False
        return True

    def sub(self, pattern: re.Pattern[str], found: Callable[[re.Match[str]], bool]) -> bool:
        """``subx``: match, blank the match, and hand it to ``found``."""
        match = pattern.search(self.value)
        if match is None:
            return False
        self.value = self.value[: match.start()] + " " + self.value[match.end() :]
        return found(match)


def _num(text: str) -> int:
    """``str2num``: the leading integer (sign allowed)."""
    match = re.match(r"[ \t\n\v\f\r]*([-+]?[0-9]+)", text)
    return int(match.group(1)) if match else 0


def _mon_num(text: str) -> int:
    return _MONTHS.split("|").index(text[:3].lower()) + 1


def _digits_after(text: str, signed: bool) -> tuple[int, int, int] | None:
    """Where the sign-and-digits of ``text`` start, where the digits start and end."""
    pos = 0
    while (
        pos < len(text)
        and not (text[pos].isdigit() and text[pos].isascii())
        and not (signed and text[pos] in "+-")
    ):
        pos += 1
    if pos >= len(text):
        return None
    begin = pos
    if signed and text[pos] in "+-":
        pos += 1
    digits = pos
    while pos < len(text) and text[pos] in "0123456789":
        pos += 1
    return begin, digits, pos


def _s3e(fields: Fields, y: str | None, m: str | None, d: str | None, bc: bool) -> None:
    """``s3e``: sort three date parts into year, month and day."""
    comp: bool | None = None
    if y is not None and m is not None and d is None:
        y, m, d = d, y, m
    if y is None:
        if d is not None and len(d) > 2:
            y, d = d, None
        if d is not None and d.startswith("'"):
            y, d = d, None
    if y is not None:
        span = _digits_after(y, True)
        if span is not None and span[2] < len(y):
            digits_only = y[span[0] : span[2]]
            y, d = d, digits_only
    if m is not None and (m.startswith("'") or len(m) > 2):
        y, m, d = m, d, y  # us -> be
    if d is not None and (d.startswith("'") or len(d) > 2):
        y, d = d, y
    if y is not None:
        span = _digits_after(y, True)
        if span is not None:
            begin, digits, end = span
            if digits > begin or end - digits > 2:
                comp = False
            fields["year"] = _num(y[begin:end])
    if bc:
        fields["_bc"] = True
    if m is not None:
        span = _digits_after(m, False)
        if span is not None:
            fields["mon"] = int(m[span[1] : span[2]])
    if d is not None:
        span = _digits_after(d, False)
        if span is not None:
            fields["mday"] = int(d[span[1] : span[2]])
    if comp is not None:
        fields["_comp"] = comp


def _is_bc(era: str | None) -> bool:
    return era is not None and era[0] in "Bb"


def _time(fields: Fields) -> Callable[[re.Match[str]], bool]:
    def found(match: re.Match[str]) -> bool:
        if match.group(2) is not None:
            fields["zone"] = match.group(2)
        inner = _TIME2.match(match.group(1))
        if inner is None:
            return False
        hour = int(inner.group(1))
        if inner.group(5) is not None:
            if hour > 2**31 - 1:  # NUM2INT
                raise ValueError(f"integer {hour} too big to convert to `int'")
            hour %= 12
            if (inner.group(5) or "") in "Pp":
                hour += 12
        fields["hour"] = hour
        if inner.group(2) is not None:
            fields["min"] = int(inner.group(2))
        if inner.group(3) is not None:
            fields["sec"] = int(inner.group(3))
        if inner.group(4) is not None:
            fields["sec_fraction"] = Fraction(int(inner.group(4)), 10 ** len(inner.group(4)))
        return True

    return found


def _ddd(fields: Fields, match: re.Match[str]) -> bool:
    """``parse_ddd_cb``: runs of digits such as ``20240115T103000``."""
    sign, s2, s3, s4, s5 = match.groups()
    negative = sign == "-"
    n = len(s2)
    time_only = s3 is None and s4 is not None

    def part(start: int, width: int) -> int:
        return int(s2[start : start + width])

    if n in (2, 4, 6) and time_only:
        fields["sec"] = part(n - 2, 2)
        if n >= 4:
            fields["min"] = part(n - 4, 2)
        if n >= 6:
            fields["hour"] = part(n - 6, 2)
    elif n == 2:
        fields["mday"] = part(0, 2)
    elif n == 4:
        fields["mon"], fields["mday"] = part(0, 2), part(2, 2)
    elif n == 6:
        fields["year"] = -part(0, 2) if negative else part(0, 2)
        fields["mon"], fields["mday"] = part(2, 2), part(4, 2)
    elif n in (8, 10, 12, 14) and time_only:
        fields["sec"], fields["min"] = part(n - 2, 2), part(n - 4, 2)
        fields["hour"], fields["mday"] = part(n - 6, 2), part(n - 8, 2)
        if n >= 10:
            fields["mon"] = part(n - 10, 2)
        if n == 12:
            fields["year"] = -part(0, 2) if negative else part(0, 2)
        if n == 14:
            fields["year"] = -part(0, 4) if negative else part(0, 4)
            fields["_comp"] = False
    elif n in (8, 10, 12, 14):
        fields["year"] = -part(0, 4) if negative else part(0, 4)
        fields["mon"], fields["mday"] = part(4, 2), part(6, 2)
        if n >= 10:
            fields["hour"] = part(8, 2)
        if n >= 12:
            fields["min"] = part(10, 2)
        if n >= 14:
            fields["sec"] = part(12, 2)
        fields["_comp"] = False
    elif n == 3:
        if time_only:
            fields["sec"], fields["min"] = part(1, 2), part(0, 1)
        else:
            fields["yday"] = part(0, 3)
    elif n == 5:
        if time_only:
            fields["sec"], fields["min"], fields["hour"] = part(3, 2), part(1, 2), part(0, 1)
        else:
            fields["year"] = -part(0, 2) if negative else part(0, 2)
            fields["yday"] = part(2, 3)
    elif n == 7:
        if time_only:
            fields["sec"], fields["min"] = part(5, 2), part(3, 2)
            fields["hour"], fields["mday"] = part(1, 2), part(0, 1)
        else:
            fields["year"] = -part(0, 4) if negative else part(0, 4)
            fields["yday"] = part(4, 3)
    if s3 is not None and len(s3) in (2, 4, 6):
        size = len(s3)
        if s4 is not None:
            fields["sec"] = int(s3[size - 2 :])
            if size >= 4:
                fields["min"] = int(s3[size - 4 : size - 2])
            if size >= 6:
                fields["hour"] = int(s3[:2])
        else:
            fields["hour"] = int(s3[:2])
            if size >= 4:
                fields["min"] = int(s3[2:4])
            if size >= 6:
                fields["sec"] = int(s3[4:6])
    if s4 is not None:
        fields["sec_fraction"] = Fraction(int(s4 or "0"), 10 ** len(s4))
    if s5 is not None:
        zone = s5
        if s5.startswith("["):
            inner = s5[1:-1]
            zone = inner.split(":", 1)[1] if ":" in inner else inner
        fields["zone"] = zone
    return True


def _parse_date(text: _Text, fields: Fields) -> None:
    """The chain of date matchers: the first that matches wins."""

    def ymd(y: int, m: int, d: int, era: int = 0, month_name: bool = False) -> _Found:
        def found(match: re.Match[str]) -> bool:
            month = str(_mon_num(match[m])) if month_name else match[m]
            _s3e(fields, match[y], month, match[d], era > 0 and _is_bc(match[era]))
            return True

        return found

    if text.has("alpha", "digit"):
        if text.sub(_EU, ymd(4, 2, 1, era=3, month_name=True)):
            return
        if text.sub(_US, ymd(4, 1, 2, era=3, month_name=True)):
            return
    if text.has("digit", "-") and text.sub(_ISO, ymd(1, 2, 3)):
        return
    if text.has("digit", ".") and text.sub(_JIS, lambda m: _jis(fields, m)):
        return
    if text.has("alpha", "digit", "-"):
        if text.sub(_VMS11, ymd(3, 2, 1, month_name=True)):
            return
        if text.sub(_VMS12, ymd(3, 1, 2, month_name=True)):
            return
    if text.has("digit", "/") and text.sub(_SLA, ymd(1, 2, 3)):
        return
    if text.has("digit", ".") and text.sub(_DOT, ymd(1, 2, 3)):
        return
    if text.has("digit") and _iso2(text, fields):
        return
    if text.has("digit") and text.sub(_YEAR, lambda m: _set(fields, year=int(m[1]))):
        return
    if text.has("alpha") and text.sub(_MON, lambda m: _set(fields, mon=_mon_num(m[1]))):
        return
    if text.has("digit") and text.sub(_MDAY, lambda m: _set(fields, mday=int(m[1]))):
        return
    if text.has("digit"):
        text.sub(_DDD, lambda m: _ddd(fields, m))


def _set(fields: Fields, **values: object) -> bool:
    fields.update(values)
    return True


def _jis(fields: Fields, match: re.Match[str]) -> bool:
    era = {"m": 1867, "t": 1911, "s": 1925, "h": 1988, "r": 2018}[match[1].lower()]
    return _set(fields, year=int(match[2]) + era, mon=int(match[3]), mday=int(match[4]))


def _iso2(text: _Text, f: Fields) -> bool:
    if text.sub(_ISO21, lambda m: _iso21(f, m)):
        return True
    if text.sub(_ISO22, lambda m: _set(f, cwday=int(m[1]))):
        return True
    if text.sub(_ISO23, lambda m: _set(f, mday=int(m[2]), **({"mon": int(m[1])} if m[1] else {}))):
        return True
    if text.sub(_ISO24, lambda m: _set(f, mon=int(m[1]), **({"mday": int(m[2])} if m[2] else {}))):
        return True
    if not _ISO25_NOT.search(text.value) and text.sub(
        _ISO25, lambda m: _set(f, year=int(m[1]), yday=int(m[2]))
    ):
        return True
    return not _ISO26_NOT.search(text.value) and text.sub(_ISO26, lambda m: _set(f, yday=int(m[1])))


def _iso21(fields: Fields, match: re.Match[str]) -> bool:
    if match[1] is not None:
        fields["cwyear"] = int(match[1])
    fields["cweek"] = int(match[2])
    if match[3] is not None:
        fields["cwday"] = int(match[3])
    return True


def _frag(fields: Fields, match: re.Match[str]) -> bool:
    number = int(match[1])
    if "hour" in fields and "mday" not in fields and 1 <= number <= 31:
        fields["mday"] = number
    if "mday" in fields and "hour" not in fields and 0 <= number <= 24:
        fields["hour"] = number
    return True


def date_parse(source: str) -> Fields:
    """``Date._parse(source, true)``: the fields found (``year``, ``mon``, ``mday``,
    ``hour``, ``min``, ``sec``, ``sec_fraction``, ``zone``, ``yday`` …).

    ValueError for a text longer than :data:`LIMIT` bytes.
    """
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > LIMIT:
        raise ValueError(f"string length ({size}) exceeds the limit {LIMIT}")
    text = _Text(_OTHER.sub(" ", source))
    fields: Fields = {}
    if text.has("alpha"):
        text.sub(_DAY, lambda m: _set(fields, wday=_DAYS.split("|").index(m[1][:3].lower())))
    if text.has("digit"):
        text.sub(_TIME, _time(fields))
    _parse_date(text, fields)
    if text.has("alpha"):
        text.sub(_BC, lambda m: _set(fields, _bc=True))
    if text.has("digit"):
        text.sub(_FRAG, lambda m: _frag(fields, m))
    if fields.pop("_bc", False):
        for key in ("cwyear", "year"):
            if isinstance(fields.get(key), int):
                fields[key] = 1 - fields[key]  # type: ignore[operator]
    if fields.pop("_comp", True):
        for key in ("cwyear", "year"):
            year = fields.get(key)
            if isinstance(year, int) and 0 <= year <= 99:
                fields[key] = year + (1900 if year >= 69 else 2000)
    return fields
