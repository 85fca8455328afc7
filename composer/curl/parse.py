"""cURL in and out: a pasted ``curl`` command becomes a request; a rendered request a command.

This module is the import; :mod:`composer.curl.export` writes commands (:func:`to_curl`,
:func:`export_curl`, re-exported here) and :mod:`composer.curl.shell` splits and quotes
shell words for both.

**Import** (:func:`import_curl`, :func:`parse_curl`) reads the command as a POSIX shell
would (:func:`~composer.curl.shell.shell_words`: quotes, escapes, bash's ``$'...'``, line
continuations, Windows ``cmd``'s ``^`` best effort). A leading ``$ `` prompt is dropped,
and an unquoted ``|``, ``;``, ``&`` or ``&&`` ends the command. Then curl's options:

* ``-X/--request``, the URL (positional or ``--url``; no scheme means ``http://``, as in
  curl), ``-H/--header`` (order kept; ``Host`` and ``Content-Length`` are left to the
  sender, which computes them), ``-A``, ``-e``, ``-b`` (as headers);
* ``-d/--data``, ``--data-ascii``, ``--data-binary``, ``--data-raw`` and
  ``--data-urlencode`` joined with ``&`` as curl joins them (``--data-urlencode``
  percent-encodes the value part), and ``--json`` (pieces joined as they are; sets
  ``Content-Type`` and ``Accept`` to ``application/json`` unless given). Without a
  Content-Type, data gets ``application/x-www-form-urlencoded`` as curl sends it.
  ``@file`` data or headers, ``-F/--form``, ``-T`` and ``-K`` are refused: the file is
  not here to read, and Customer.io sends no multipart bodies.
* ``-G/--get`` moves the data into the query string; the method is POST when there is
  data, GET otherwise, unless ``-X`` says otherwise (and must be one Customer.io offers).
* ``-u/--user``: the credential never reaches the workspace. It becomes an
  ``Authorization: Basic`` header built in Liquid from a secret
  (``{{ "user:" | append: secrets.stripe | base64_encode }}``, or the user part alone
  when the password is empty, as in Stripe's ``-u sk_test_…:``), and a note says which
  secret to set; ``--oauth2-bearer`` likewise becomes ``Bearer {{ secrets.NAME }}``. The
  secret's name is the one the caller passes (the window asks the user to confirm it),
  else one made from the host (``stripe`` for ``api.stripe.com``). The password, key or
  token itself is handed back apart (:attr:`CurlImport.credential`, never in a repr), so
  the window can offer to store it in the keychain under that name; a ``-u user`` with
  no password has nothing to store, and the note says so (curl would have prompted). A
  literal ``Authorization``, ``Cookie`` or API-key header is kept and warned about, as
  is a shell variable (``$TOKEN``), which is kept as written.
* Options about output, TLS checking, redirects, proxies and timeouts (``-s``, ``-i``,
  ``-v``, ``-k``, ``-L``, ``--compressed``, ``-o FILE`` …) do not change the request and
  are ignored. An option curl has that is not listed here is refused by name rather than
  guessed at, as is a refused option inside a group of short ones (``-sK file`` is
  refused as ``-K``).
* What can never be sent is refused: a URL that is not ``http://`` or ``https://``
  (``file://``, ``gopher://`` …) or has no host, a URL or header holding a control
  character (NUL, CR, LF, anything below space but TAB, DEL, U+0080-U+009F), and a
  header name that is not an HTTP token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from composer.curl.export import CurlExport, export_curl, to_curl
from composer.curl.shell import SOURCE, shell_quote, shell_words
from composer.errors import InvalidFileError
from composer.http_headers import TOKEN
from composer.model import METHODS, Header, Request
from composer.secrets import check_name

__all__ = [
    "Credential",
    "CurlExport",
    "CurlImport",
    "export_curl",
    "import_curl",
    "parse_curl",
    "shell_quote",
    "shell_words",
    "to_curl",
]

_FORM = "application/x-www-form-urlencoded"
_DATA = {"-d": "ascii", "--data": "ascii", "--data-ascii": "ascii", "--data-binary": "binary",
         "--data-raw": "raw", "--data-urlencode": "urlencode", "--json": "json"}  # fmt: skip
_HEADERISH = {"-A": "User-Agent", "--user-agent": "User-Agent", "-e": "Referer",
              "--referer": "Referer", "-b": "Cookie", "--cookie": "Cookie"}  # fmt: skip
_WITH_ARG = {"-X", "--request", "--url", "-H", "--header", "-u", "--user", "--oauth2-bearer",
             *_DATA, *_HEADERISH}  # fmt: skip
_IGNORED_WITH_ARG = {
    "-o", "--output", "-w", "--write-out", "-m", "--max-time", "--connect-timeout",
    "--retry", "--retry-delay", "--retry-max-time", "-D", "--dump-header", "-x", "--proxy",
    "--cacert", "--capath", "--cert", "--key", "--resolve", "--connect-to", "-c",
    "--cookie-jar", "--max-redirs", "-y", "--speed-time", "-Y", "--speed-limit",
    "--limit-rate", "--trace", "--trace-ascii", "--stderr", "--interface", "-r", "--range",
    "--output-dir", "--proto", "--proto-redir", "--tls-max", "--ciphers", "--noproxy",
    "-U", "--proxy-user", "--dns-servers", "--unix-socket", "-E",
}  # fmt: skip
_IGNORED_FLAGS = {
    "-s", "--silent", "-S", "--show-error", "-i", "--include", "-v", "--verbose", "-k",
    "--insecure", "-L", "--location", "--compressed", "-f", "--fail", "--fail-with-body",
    "-g", "--globoff", "--path-as-is", "-#", "--progress-bar", "-N", "--no-buffer",
    "--http1.1", "--http1.0", "--http2", "--http2-prior-knowledge", "-0", "-1", "-2", "-3",
    "-4", "-6", "--ipv4", "--ipv6", "-O", "--remote-name", "-J", "--remote-header-name",
    "--no-keepalive", "--tcp-nodelay", "--location-trusted", "--raw", "--ssl-no-revoke",
    "-q", "--disable", "--tlsv1.2", "--tlsv1.3", "--no-progress-meter", "-Z", "--parallel",
    "-n", "--netrc", "--anyauth", "--basic", "--digest", "--ntlm", "--negotiate",
    "--no-sessionid", "--false-start", "--create-dirs", "--styled-output", "-R",
}  # fmt: skip
_REFUSED = {
    "-F": (
        "multipart form",
        "Customer.io sends no multipart bodies; use a JSON or form-encoded body with -d instead",
    ),
    "-T": ("upload a file", "the file is not here to read; paste the body with -d"),
    "-K": ("read options from a file", "the file is not here to read; paste the options"),
    "-I": ("HEAD request", "HEAD is not a method Customer.io's webhook action offers"),
}
_REFUSED.update({"--form": _REFUSED["-F"], "--form-string": _REFUSED["-F"],
                 "--upload-file": _REFUSED["-T"], "--config": _REFUSED["-K"],
                 "--head": _REFUSED["-I"]})  # fmt: skip
_ALIASES = {"--request": "-X", "--header": "-H", "--user": "-u", "--get": "-G"}
# curl's other protocols, and schemes a browser knows, written without "//" ("file:/x")
_OTHER_SCHEME = re.compile(
    r"(dict|file|ftps?|gophers?|imaps?|ldaps?|mqtt|pop3s?|rtmp[a-z]*|rtsp|scp|sftp|smbs?"
    r"|smtps?|telnet|tftp|wss?|mailto|data|javascript):",
    re.IGNORECASE,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # C0 but TAB, DEL, C1
_SECRET_HEADERS = re.compile(r"authorization|cookie|x-api-key|api-key|x-auth-token|.*token", re.I)


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential the command gave, which the request now reads from a secret."""

    secret: str
    """The secret's name the request uses (``{{ secrets.<secret> }}``)."""
    what: str
    """``password``, ``key`` (``-u key:``) or ``token`` (``--oauth2-bearer``)."""
    value: str = field(repr=False)
    """What the command gave: for the keychain, never for the workspace ("" if none)."""


@dataclass(frozen=True, slots=True)
class CurlImport:
    """A request made from a cURL command, and what the user should know about it."""

    request: Request
    """The new request (its name from the URL unless one was given)."""
    notes: tuple[str, ...]
    """Plain sentences: secrets to set, credentials to move, options ignored."""
    credential: Credential | None = None
    """The ``-u`` or ``--oauth2-bearer`` credential the request reads from a secret."""


def _fail(reason: str) -> InvalidFileError:
    return InvalidFileError(SOURCE, reason)


def _refused(option: str) -> InvalidFileError:
    what, advice = _REFUSED[option]
    return _fail(f"{option} ({what}) is not supported: {advice}")


def _options(words: list[str]) -> list[tuple[str, str | None]]:
    """curl's options as (option, argument) pairs; a URL is ("url", value)."""
    pairs: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("--") and len(word) > 2:
            name, eq, attached = word.partition("=")
            if name in _REFUSED:
                raise _refused(name)
            name = _ALIASES.get(name, name)
            if name in _WITH_ARG or name in _IGNORED_WITH_ARG:
                if eq:
                    pairs.append((name, attached))
                elif i < len(words):
                    pairs.append((name, words[i]))
                    i += 1
                else:
                    raise _fail(f"{name} needs a value")
            elif name in _IGNORED_FLAGS:
                pairs.append((name, None))
            else:
                raise _fail(f"the option {name} is not one this import understands")
        elif word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                flag = "-" + word[j]
                j += 1
                if flag in _REFUSED:
                    raise _refused(flag)
                if flag in _WITH_ARG or flag in _IGNORED_WITH_ARG:
                    if j < len(word):
                        pairs.append((flag, word[j:]))
                    elif i < len(words):
                        pairs.append((flag, words[i]))
                        i += 1
                    else:
                        raise _fail(f"{flag} needs a value")
                    break
                if flag == "-G" or flag in _IGNORED_FLAGS:
                    pairs.append((flag, None))
                else:
                    raise _fail(f"the option {flag} is not one this import understands")
        else:
            pairs.append(("url", word))
    return pairs


def _data_piece(kind: str, value: str) -> str:
    if kind == "raw":
        return value
    if kind == "urlencode":
        name, eq, content = value.partition("=")
        if not eq and "@" in value:
            raise _fail("--data-urlencode with @file cannot be imported; paste the data instead")
        if not eq:
            return quote(value, safe="")
        return f"{name}={quote(content, safe='')}" if name else quote(content, safe="")
    if value.startswith("@"):
        raise _fail(
            f"the data {value[:40]!r} asks curl to read a file, which cannot be imported; "
            "paste the body itself (or use --data-raw)"
        )
    return value


def _control_name(char: str) -> str:
    names = {"\x00": "NUL", "\r": "CR (carriage return)", "\n": "LF (line feed)"}
    return names.get(char, f"the control character U+{ord(char):04X}")


def _check_url(url: str) -> None:
    """Refuse a URL that can never be sent: control characters, not http(s), no host."""
    bad = _CONTROL.search(url)
    if bad is not None:
        raise _fail(
            f"the URL holds {_control_name(bad.group())} at character {bad.start() + 1}, "
            "which can never be sent"
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _fail(f"the URL does not parse ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _fail(
            f"the URL's scheme {parts.scheme}: is not http or https, the only URLs "
            "Customer.io sends webhooks to"
        )
    if not parts.netloc:
        raise _fail("the URL has no host")


def _check_header(header: Header) -> None:
    """Refuse a header that can never be sent: a name that is not a token, a control
    character (anything below space but TAB, DEL, U+0080-U+009F) in the value."""
    bad = _CONTROL.search(header.name) or _CONTROL.search(header.value)
    if bad is not None:
        part = "name" if _CONTROL.search(header.name) else "value"
        shown = header.name if part == "value" else repr(header.name)
        raise _fail(
            f"the {part} of the header {shown} holds {_control_name(bad.group())}, "
            "which can never be sent in a header"
        )
    if not TOKEN.fullmatch(header.name):
        raise _fail(
            f"the header name {header.name!r} is not a valid HTTP header name (letters, "
            "digits and !#$%&'*+-.^_`|~ only)"
        )


def _secret_name(host: str) -> str:
    labels = [x for x in host.lower().split(".") if x]
    if len(labels) > 1:
        labels = labels[:-1]
    labels = [x for x in labels if x not in ("api", "www", "app", "hooks", "co", "com")] or ["api"]
    name = re.sub(r"[^a-z0-9_]", "_", labels[-1])
    return name if re.match(r"[a-z_]", name) else "api_" + name


def _liquid_string(text: str) -> str:
    return f'"{text}"' if '"' not in text else f"'{text}'"


def import_curl(text: str, name: str | None = None, secret: str | None = None) -> CurlImport:
    """Read a pasted cURL command; :class:`InvalidFileError` says what cannot be imported.

    ``secret`` names the secret a ``-u`` or ``--oauth2-bearer`` credential is read from
    (by default one made from the host); a name no template could use raises
    :class:`~composer.secrets.SecretNameError`.
    """
    for what, given in (("command", text), ("name", name or "")):
        half = _SURROGATE.search(given)
        if half is not None:  # bytes that were not UTF-8 (a command line's surrogateescape)
            raise _fail(f"the {what} is not UTF-8 text at character {half.start() + 1}")
    words = shell_words(text.strip().removeprefix("$ "))
    if not words or not re.fullmatch(r"(.*[/\\])?curl(\.exe)?", words[0]):
        raise _fail("this is not a curl command (it should start with 'curl')")
    notes: list[str] = []
    method: str | None = None
    url: str | None = None
    headers: list[Header] = []
    pieces: list[tuple[str, str]] = []
    get = False
    user: str | None = None
    bearer: str | None = None
    for option, value in _options(words[1:]):
        if option == "url" or option == "--url":
            if url is not None:
                raise _fail("the command has more than one URL; import one request at a time")
            url = value
        elif option == "-X":
            method = (value or "").upper()
        elif option == "-H":
            if (value or "").startswith("@"):
                raise _fail(f"-H {value!r} reads headers from a file, which cannot be imported")
            header_name, colon, header_value = (value or "").partition(":")
            if not colon:
                header_name = header_name.rstrip(";")  # "Name;" sends an empty header
            if header_name.strip().lower() in ("host", "content-length"):
                notes.append(f"The {header_name.strip()} header was left out: it is computed.")
            elif colon and not header_value.strip():
                notes.append(f"-H '{header_name}:' only removes a curl default; left out.")
            else:
                headers.append(Header(header_name.strip(), header_value.strip()))
        elif option in _HEADERISH and value is not None:
            if option in ("-b", "--cookie") and "=" not in value:
                raise _fail(f"-b {value!r} names a cookie file, which cannot be imported")
            headers.append(Header(_HEADERISH[option], value))
        elif option in _DATA and value is not None:
            pieces.append((_DATA[option], _data_piece(_DATA[option], value)))
        elif option == "-G":
            get = True
        elif option == "-u":
            user = value
        elif option == "--oauth2-bearer":
            bearer = value or ""
    if not url:
        raise _fail("the command has no URL")
    if "://" not in url and not _OTHER_SCHEME.match(url):
        url = "http://" + url
        notes.append("The URL had no scheme; curl uses http://, and so does this request.")
    _check_url(url)
    data: str | None = None
    if pieces:
        data = pieces[0][1]
        for kind, piece in pieces[1:]:
            data += ("" if kind == "json" else "&") + piece
    has = {h.name.lower() for h in headers}
    if any(kind == "json" for kind, _ in pieces):
        headers += [Header(n, "application/json") for n in ("Content-Type", "Accept")
                    if n.lower() not in has]  # fmt: skip
    elif data is not None and not get and "content-type" not in has:
        headers.append(Header("Content-Type", _FORM))
    body = ""
    if data is not None and get:
        url += ("&" if "?" in url else "?") + data
    elif data is not None:
        body = data
    method = method or ("POST" if body or (data is not None and not get) else "GET")
    if method not in METHODS:
        raise _fail(f"the method {method} is not one Customer.io sends ({', '.join(METHODS)})")
    parts = urlsplit(url)
    host = parts.hostname or "host"
    if secret is None:
        secret = _secret_name(host)
    else:
        check_name(secret)
    credential: Credential | None = None
    if any(h.name.lower() == "authorization" for h in headers) and (
        user is not None or bearer is not None
    ):
        notes.append("-u or --oauth2-bearer was left out: an Authorization header is given.")
    elif bearer is not None:
        headers.insert(0, Header("Authorization", f"Bearer {{{{ secrets.{secret} }}}}"))
        credential = Credential(secret, "token", bearer)
        notes.append(
            f"The token given with --oauth2-bearer is not kept in the request: the "
            f'Authorization header reads it from the secret "{secret}"; set it under Secrets '
            f"(webhook-composer secrets set {secret})."
        )
    elif user is not None:
        login, colon, password = user.partition(":")
        if colon and not password:
            value = f'secrets.{secret} | append: ":"'
            credential = Credential(secret, "key", login)
        else:
            value = f"{_liquid_string(login + ':')} | append: secrets.{secret}"
            credential = Credential(secret, "password", password)
        headers.insert(0, Header("Authorization", f"Basic {{{{ {value} | base64_encode }}}}"))
        given = (
            f"The {credential.what} given with -u is not kept in the request"
            if credential.value
            else "-u gave no password (curl would have asked for it)"
        )
        notes.append(
            f"{given}: the Authorization header reads it from "
            f'the secret "{secret}"; set it under Secrets '
            f"(webhook-composer secrets set {secret})."
        )
    for header in headers:
        if _SECRET_HEADERS.fullmatch(header.name) and "secrets." not in header.value:
            notes.append(
                f"The {header.name} header holds a credential in plain text; move it into a "
                "secret and use {{ secrets.NAME }} in its place."
            )
    for header in headers:
        _check_header(header)
    everything = url + body + "".join(h.value for h in headers)
    for variable in sorted(set(re.findall(r"\$\{?[A-Za-z_][A-Za-z0-9_]*", everything))):
        notes.append(f"{variable.replace('{', '')} is a shell variable, kept as written here.")
    if "{{" in body + url or "{%" in body + url:
        notes.append("The command holds '{{' or '{%', which will be read as Liquid.")
    label = name or (host + parts.path.rstrip("/")) or host
    request = Request(name=label, url=url, method=method, headers=tuple(headers), body=body)
    return CurlImport(request, tuple(notes), credential)


def parse_curl(text: str) -> Request:
    """The request a pasted cURL command makes (see :func:`import_curl` for the notes)."""
    return import_curl(text).request
