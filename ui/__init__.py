"""Webhook Composer's desktop application (PySide6), built on the ``composer`` core."""
