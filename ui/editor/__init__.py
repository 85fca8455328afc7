"""The composer: the Request, Headers, Body and Response tabs over one request (``tabs``),
their editors, the live preview (``preview``, rendered off the GUI thread) and the send panel.
"""

__all__: list[str] = []
