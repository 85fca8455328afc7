"""Decoding a response body the server says it compressed, without letting it grow unbounded.

The sender asks for :data:`ACCEPT_ENCODING` (``gzip, deflate``: the codings the standard
library decodes) and decodes what the server's ``Content-Encoding`` names, whether it was
asked for or not. Decisions:

* **The cap is on decoded bytes.** A :class:`BodyDecoder` keeps at most ``limit`` bytes of
  decoded body and never asks zlib for more than the room left, so a decompression bomb
  (a few kilobytes that expand to gigabytes) costs at most ``limit`` bytes of memory and
  the time to produce them; ``truncated`` says that more would have come.
* **One coding.** ``gzip`` (also ``x-gzip``) and ``deflate`` (zlib-wrapped, as RFC 9110
  says, or raw deflate, as some servers send it) are decoded; ``identity`` is no coding.
  Anything else (``br``, ``zstd``, ``compress``, or several codings stacked) is not: the
  body is kept as received and :attr:`BodyDecoder.problem` says why, so nothing reads it
  as if it were plain text.
* **Honest bodies.** A body that claims a coding but does not decode (corrupt data) is kept
  as received, up to the same cap, with the problem said; one whose compressed stream
  ends early keeps what was decoded and says it ended early.
"""

from __future__ import annotations

import zlib

__all__ = ["ACCEPT_ENCODING", "DECODED_CODINGS", "BodyDecoder", "coding_of"]

DECODED_CODINGS: tuple[str, ...] = ("gzip", "deflate")
"""The content codings whose bodies are decoded (both from the standard library)."""
ACCEPT_ENCODING = ", ".join(DECODED_CODINGS)
"""The ``Accept-Encoding`` value sent unless a request sets its own."""
_ALIASES = {"x-gzip": "gzip"}
_GZIP_MAGIC = b"\x1f\x8b"


def coding_of(header: str | None) -> str | None:
    """The content coding a ``Content-Encoding`` value names (lower case), or None for none.

    Several codings come back joined by ", " (they are not decoded).
    """
    if header is None:
        return None
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [_ALIASES.get(c, c) for c in codings if c and c != "identity"]
    return ", ".join(codings) or None


class BodyDecoder:
    """Keeps the first ``limit`` bytes of a body, decoding its content coding on the way.

    Feed every chunk read from the wire to :meth:`feed`, then call :meth:`finish`; read
    :attr:`body`, :attr:`truncated`, :attr:`decoded` and :attr:`problem` after that.
    """

    def __init__(self, coding: str | None, limit: int) -> None:
        self.coding = coding
        """The coding the server named (None: the body is plain)."""
        self.limit = limit
        self.problem: str | None = None
        """Why the body is kept as received although a coding was named, or None."""
        self._raw = bytearray()
        self._raw_more = False
        self._out = bytearray()
        self._out_more = False
        self._tail = b""
        self._zlib: zlib._Decompress | None = None
        self.ended_early = False
        """Whether the compressed stream stopped before its end (what came is kept)."""
        if coding is not None and coding not in DECODED_CODINGS:
            self.problem = (
                f"The body is {coding}-encoded, which is not decoded here (only "
                f"{' and '.join(DECODED_CODINGS)} are); it is kept as received."
            )
        elif coding == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @property
    def decoded(self) -> str | None:
        """The coding removed from :attr:`body`, or None when it holds the bytes as sent."""
        return self.coding if self.coding in DECODED_CODINGS and self.problem is None else None

    @property
    def body(self) -> bytes:
        """The kept body: decoded when :attr:`decoded` is set, else as received."""
        return bytes(self._out if self.decoded else self._raw)

    @property
    def truncated(self) -> bool:
        """Whether the body had more bytes than :attr:`body` holds."""
        return self._out_more if self.decoded else self._raw_more

    def feed(self, chunk: bytes) -> None:
        """Take the next bytes read from the wire."""
        room = self.limit - len(self._raw)
        if room > 0:
            self._raw += chunk[:room]
        if len(chunk) > room:
            self._raw_more = True
        if self.decoded and not self._out_more:
            self._inflate(chunk)

    def finish(self) -> None:
        """The body is complete: decode what is left and check the stream ended."""
        if not self.decoded or self._out_more or not self._raw:
            return
        self._inflate(b"")
        if self.problem is None and self._zlib is not None and not self._zlib.eof:
            self.ended_early = True

    def _inflate(self, chunk: bytes) -> None:
        data = self._tail + chunk
        if self._zlib is None:  # deflate: the first two bytes tell zlib-wrapped from raw
            if len(data) < 2 and chunk:
                self._tail = data
                return
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            while data and not self._out_more:
                assert self._zlib is not None
                room = self.limit - len(self._out)
                if room > 0:
                    self._out += self._zlib.decompress(data, room)
                else:  # one more byte of output means the body is longer than the cap
                    self._out_more = bool(self._zlib.decompress(data, 1))
                data = self._zlib.unconsumed_tail
                if self.coding == "gzip" and self._zlib.eof and self._next_member():
                    data = self._zlib.unused_data
                    self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
                elif not data:
                    break
        except zlib.error as exc:
            self.problem = (
                f"The body says it is {self.coding}-encoded but does not decode ({exc}); "
                "it is kept as received."
            )
            return
        self._tail = b"" if self._out_more else data

    def _next_member(self) -> bool:
        """Whether another gzip member follows the one that ended (RFC 1952 allows several);
        anything else after the end is ignored."""
        assert self._zlib is not None
        return self._zlib.unused_data.startswith(_GZIP_MAGIC)
