"""What every part of the window shares: colours and fonts (``palette``) and the window's
saved settings (``qt_settings``).
"""

__all__: list[str] = []
