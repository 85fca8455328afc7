"""Copy for Customer.io: a request laid out the way Customer.io's composer asks for it.

Customer.io's "Send and receive data" action is filled in field by field: the method
beside the URL, the headers as name/value rows, the body editor, then on the Response tab
one "Set up an attribute" row per mapping, and the action's settings (send automatically
or as a draft, count conversions). :func:`copy_for_customerio` returns those parts as
plain text, each ready to paste into its field (:meth:`CioCopy.sections`), plus the
whole as one text (:meth:`CioCopy.text`), and warns about what Customer.io would not
accept as it is:

* ``PATCH``, which older Customer.io accounts did not offer (they documented GET, POST,
  PUT and DELETE);
* ``{{ secrets.NAME }}``: the secrets are this app's keychain, which Customer.io cannot
  read; there it would render as nothing. Paste the credential in its place in
  Customer.io (or a secret kept in Customer.io itself, where the account has them);
* the ``Idempotency-Key`` option, which is this app's, not a Customer.io feature;
* Liquid that the request's Liquid version does not have in Customer.io (a filter that
  exists only in the other version, such as ``default`` in legacy, is passed over
  silently there) and tags that need files (``include``, ``render``, ``layout``); and
  templates that do not parse at all;
* a mapping of ``id`` (a person's id never changes) or ``response`` used outside the
  response mappings (it only exists there).

The draft mode, conversion counting and the Liquid version are settings, not fields:
they come as notes on what to choose. The function is pure: nothing is rendered and nothing is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from composer.liquid import DEFAULT_VERSION, Analysis, LiquidError, LiquidVersion, engine
from composer.model import Request

__all__ = ["CioCopy", "copy_for_customerio"]

_FILE_TAGS = frozenset({"include", "render", "layout"})
_SECRET = re.compile(r"\bsecrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_RESPONSE = re.compile(r"\bresponse\b")
_ORIGINAL_METHODS = ("GET", "POST", "PUT", "DELETE")


@dataclass(frozen=True, slots=True)
class CioCopy:
    """A request's parts in the shape of Customer.io's composer."""

    method: str
    """The method to pick beside the URL."""
    url: str
    """The request URL, Liquid as written."""
    headers: tuple[str, ...]
    """One ``Name: value`` line per header row, in order."""
    body: str
    """The body editor's text, Liquid as written."""
    mappings: tuple[str, ...]
    """One ``attribute ← value`` line per "Set up an attribute" row."""
    settings: tuple[str, ...]
    """What to choose in the action's settings (send mode, conversions)."""
    warnings: tuple[str, ...]
    """Plain sentences about what Customer.io would not accept as it is."""

    def sections(self) -> list[tuple[str, str]]:
        """(title, text) for each part, in the order Customer.io's composer shows them."""
        parts = [
            ("Method", self.method),
            ("URL", self.url),
            ("Headers", "\n".join(self.headers)),
            ("Body", self.body),
            ("Response: set up an attribute", "\n".join(self.mappings)),
            ("Settings", "\n".join(self.settings)),
        ]
        if self.warnings:
            parts.append(("Before you paste", "\n".join(f"- {w}" for w in self.warnings)))
        return parts

    def text(self) -> str:
        """Every section under its title, as one plain text."""
        blocks = [f"{title}\n{text or '(none)'}" for title, text in self.sections()]
        return "\n\n".join(blocks) + "\n"


def _analysis(template: str, version: LiquidVersion) -> Analysis | LiquidError | None:
    if "{{" not in template and "{%" not in template:
        return None
    try:
        return engine(version).analyze(template)
    except LiquidError as exc:
        return exc


def _liquid_warnings(where: str, template: str, version: LiquidVersion) -> list[str]:
    analysis = _analysis(template, version)
    if analysis is None:
        return []
    if isinstance(analysis, LiquidError):
        return [
            f"The {where} does not parse as {version} Liquid ({analysis.message}); "
            "fix it before pasting."
        ]
    found = []
    known = engine(version).filter_names()
    for name in sorted({name for name, _ in analysis.filters} - known):
        found.append(
            f"The {where} uses the filter '{name}', which {version} Liquid does not have: "
            "Customer.io passes the value through unchanged."
        )
    for name in sorted({name for name, _ in analysis.tags} & _FILE_TAGS):
        found.append(
            f"The {where} uses the '{name}' tag, which needs a snippet file that Customer.io's "
            "composer does not have; paste the snippet's text in its place."
        )
    return found


def copy_for_customerio(request: Request) -> CioCopy:
    """The request as Customer.io's composer wants it, with warnings."""
    version = request.liquid_version or DEFAULT_VERSION
    warnings: list[str] = []
    if request.method not in _ORIGINAL_METHODS:
        warnings.append(
            f"{request.method} is offered by current Customer.io accounts, but older ones "
            f"list only {', '.join(_ORIGINAL_METHODS)}: check the method menu of yours."
        )
    parts = [("URL", request.url)]
    parts += [(f"{h.name} header", h.value) for h in request.headers]
    parts.append(("body", request.body))
    secrets: dict[str, list[str]] = {}
    for where, template in parts:
        for match in _SECRET.finditer(template):
            name = match.group(1) or match.group(2)
            places = secrets.setdefault(name, [])
            if where not in places:
                places.append(where)
        warnings.extend(_liquid_warnings(where, template, version))
        if _RESPONSE.search(template) and "response" in _variables(template, version):
            warnings.append(
                f"The {where} uses 'response', which only exists in the response mappings."
            )
    for mapping in request.response_mappings:
        for match in _SECRET.finditer(mapping.value):
            secrets.setdefault(match.group(1) or match.group(2), []).append(
                f"mapping of {mapping.attribute}"
            )
        warnings.extend(_liquid_warnings(f"mapping of {mapping.attribute}", mapping.value, version))
        if mapping.attribute.strip() == "id":
            warnings.append("A mapping sets 'id'; Customer.io never changes a person's id.")
    for name, places in secrets.items():
        warnings.append(
            f"{{{{ secrets.{name} }}}} (in the {' and the '.join(places)}) is this app's "
            "keychain, which Customer.io cannot read: there it would be empty. Paste the "
            "credential in its place in Customer.io, or use a secret kept in Customer.io "
            "itself if your account has them."
        )
    if request.idempotency_key:
        warnings.append(
            "The Idempotency-Key option is this app's, not Customer.io's: Customer.io sends no "
            "such header, so a retried request may be processed twice by the endpoint."
        )
    settings = [
        "Send automatically"
        if request.send_mode == "automatic"
        else "Draft: choose it instead of 'send automatically'; a draft that sets attributes "
        "holds the person in the workflow until you send it",
        f"Count conversions: {'on' if request.count_conversions else 'off'}",
        f"Liquid version: {version} (Customer.io shows a message's version when you hover "
        "its 'last saved' date; switch it there if it differs)",
    ]
    return CioCopy(
        method=request.method,
        url=request.url,
        headers=tuple(f"{h.name}: {h.value}" for h in request.headers),
        body=request.body,
        mappings=tuple(f"{m.attribute} ← {m.value}" for m in request.response_mappings),
        settings=tuple(settings),
        warnings=tuple(warnings),
    )


def _variables(template: str, version: LiquidVersion) -> set[str]:
    analysis = _analysis(template, version)
    return set(analysis.globals) if isinstance(analysis, Analysis) else set()
