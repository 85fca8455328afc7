"""The sample workspace: ``people.json`` (people with their events) and ``context.json``.

``context.json`` is the Liquid globals for the first sample person and their first event,
ready for ``webhook-composer render REQUEST --context``.
"""
