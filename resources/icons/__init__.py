"""The application icon, for the window and the task bar: ``webhook-composer.svg`` and a
256-pixel ``webhook-composer.png`` for platforms without the SVG image plugin.

Both are copies of ``packaging/icons/`` (made by ``packaging/render_icons.sh``), where the
desktop entry's icon theme sizes live.
"""
