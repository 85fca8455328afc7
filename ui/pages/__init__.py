"""The pages beside the composer: People, Outbox, Inbox, Recipes, and the per-person and
upgrade checks, with their table models and dialogs.
"""

__all__: list[str] = []
