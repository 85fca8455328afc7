"""Dialogs any page may open: secrets, import from cURL, Copy for Customer.io, workspace
settings.
"""

__all__: list[str] = []
