"""The shipped recipes rendered by the real engines: our preview's bytes are theirs.

Every recipe targets one Liquid version (``liquid_version`` in its file). Each template of
each recipe (URL, header values, body) is rendered for the sample context and for every
sample person with each of their events, by our engine for that version and by the real
one (LiquidJS for latest, Ruby Liquid 2.5.3 for legacy), with the secrets given their
mask as a value; the texts must be equal byte for byte. Templates that use a filter only
Customer.io has (no real engine has it) are compared only where the real engine has every
filter used. Latest recipes also render the sample context without a single warning.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from composer.liquid import engine
from composer.model import Event, Person, Request, context_for, load_context
from composer.rendering.render import MASK, render

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
RECIPES = sorted(p for p in (RESOURCES / "recipes").glob("*.json") if p.name != "index.json")
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SECRETS = {
    "close_api_key", "helpscout_access_token", "ifttt_webhooks_key", "lob_api_key",
    "promoter_api_key", "trello_api_key", "trello_token", "twilio_account_sid",
    "twilio_auth_token", "zapier_catch_hook", "zendesk_email", "zendesk_api_token",
}  # fmt: skip


def _contexts() -> list[dict[str, Any]]:
    contexts = [load_context(RESOURCES / "sample" / "context.json")]
    people = json.loads((RESOURCES / "sample" / "people.json").read_text(encoding="utf-8"))
    for item in people:
        person = Person(item["id"], item["email"], item["attributes"])
        for event in item["events"]:
            contexts.append(
                context_for(person, Event(event["name"], event["data"], event["timestamp"]))
            )
    return contexts


def _templates(request: Request) -> list[str]:
    return [request.url, *(h.value for h in request.headers), request.body]


@pytest.mark.parametrize("path", RECIPES, ids=[p.stem for p in RECIPES])
def test_recipe_renders_as_the_real_engine_does(
    path: Path, latest_oracle: Any, legacy_oracle: Any
) -> None:
    request = Request.from_file(path)
    version = request.liquid_version or "latest"
    ours = engine(version)
    oracle = latest_oracle if version == "latest" else legacy_oracle
    real = _real_filters(version)
    compared = 0
    for context in _contexts():
        globals_ = {**context, "secrets": {name: MASK for name in SECRETS}}
        for template in _templates(request):
            analysis = ours.analyze(template)
            if {name for name, _ in analysis.filters} - real or "'now'" in template:
                continue  # a Customer.io filter, or the clock: no real engine to ask
            mine = ours.render(template, globals_, now=NOW)
            assert mine.error is None, mine.error
            theirs = oracle.render(template, globals_)
            assert theirs.output == mine.text, template
            compared += 1
    assert compared, "every template of the recipe was skipped"


def _real_filters(version: str) -> frozenset[str]:
    """The filters the real engine has: ours without Customer.io's additions."""
    from composer.liquid.latest import LatestEngine
    from composer.liquid.legacy import LegacyEngine

    if version == "latest":
        return LatestEngine(customer_io=False).filter_names()
    return LegacyEngine(customer_io=False).filter_names()


@pytest.mark.parametrize("path", RECIPES, ids=[p.stem for p in RECIPES])
def test_latest_recipes_render_the_sample_without_warnings(path: Path) -> None:
    request = Request.from_file(path)
    if request.liquid_version != "latest":
        assert request.name.startswith("Whole customer"), "only the hash trick is legacy"
        return
    context = load_context(RESOURCES / "sample" / "context.json")
    rendered = render(request, context, secrets=dict.fromkeys(SECRETS, "x"), now=NOW)
    assert rendered.diagnostics == ()
