"""Opening the workspace, and seeding the sample workspace on the first start.

:func:`open_workspace` is how the window and the command line open the workspace. When
the file is new (absent or empty) it is created, migrated and seeded in one transaction
with every recipe in ``resources/recipes/*.json`` (in file-name order; ``index.json``
is the recipes' catalogue of descriptions, not a request, and is left out) and the sample
people of ``resources/sample/people.json`` (the people-import JSON shape, with events).

The shipped files are part of the program, so a recipe or sample file that does not load
is a :class:`~composer.errors.BugError`, never skipped silently. A missing
``people.json`` or an empty recipes folder just seeds less. If seeding fails, the new file
is removed again, so the next start tries afresh instead of opening an empty workspace
that will never be seeded.

Opening an existing workspace, what every start after the first does, needs only the
store: the request model and the people importer are imported when seeding.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from composer.errors import BugError, KnownError
from composer.paths import resources_dir, workspace_path
from composer.store.database import Database

if TYPE_CHECKING:
    from composer.model import Request

__all__ = ["RECIPE_INDEX", "SEEDED_SETTING", "load_recipes", "open_workspace", "seed_workspace"]

RECIPE_INDEX = "index.json"
"""The recipes folder's catalogue (descriptions and secret names), not a request file."""
SEEDED_SETTING = "sample_seeded"
"""Setting that records that the sample workspace was seeded."""


def load_recipes(resources: Path | None = None) -> list[Request]:
    """Every shipped recipe, validated; an invalid one is a :class:`BugError`."""
    from composer.model import Request

    folder = (resources or resources_dir()) / "recipes"
    recipes: list[Request] = []
    names: dict[str, Path] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name == RECIPE_INDEX:
            continue
        try:
            recipe = Request.from_file(path)
        except KnownError as exc:
            raise BugError(f"The shipped recipe {path.name} is invalid: {exc}") from exc
        if recipe.name in names:
            raise BugError(
                f"The shipped recipes {names[recipe.name].name} and {path.name} "
                f'are both named "{recipe.name}".'
            )
        names[recipe.name] = path
        recipes.append(recipe)
    return recipes


def seed_workspace(db: Database, resources: Path | None = None) -> None:
    """Add the recipes and sample people to ``db`` in one transaction."""
    from composer.store.people_io import read_people, write_people

    folder = resources or resources_dir()
    recipes = load_recipes(folder)
    people_file = folder / "sample" / "people.json"
    try:
        people = read_people(people_file) if people_file.exists() else []
    except KnownError as exc:
        raise BugError(f"The shipped sample people are invalid: {exc}") from exc
    with db.transaction():
        for recipe in recipes:
            db.requests.save(recipe)
        write_people(db, people)
        db.settings.set(SEEDED_SETTING, True)


def open_workspace(data_dir: Path | None = None, resources: Path | None = None) -> Database:
    """Open (creating, migrating and on first start seeding) the workspace under ``data_dir``."""
    path = workspace_path(data_dir)
    db = Database(path)
    if not db.created:
        return db
    try:
        seed_workspace(db, resources)
    except BaseException:
        db.close()
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return db
