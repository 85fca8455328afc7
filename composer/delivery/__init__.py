"""Sending: ``records`` (deliveries and attempts in the store), ``outbox`` (the one engine
that claims, sends, records and retries), ``sender``, ``retry``, ``mapping``, ``masking``,
``content_coding``, ``record``, ``unrecorded`` and ``journal`` (an answer is never lost). See
docs/delivery.md.
"""

__all__: list[str] = []
