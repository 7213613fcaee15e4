"""xAPI 1.0.3 learning records sent to a Learning Record Store (docs/xapi.md).

The core sits in the lowest domain layer so that every app that records a learning
event (competencies, courses, certificates) can emit through it: each of those apps
builds its statements in its own `xapi_events.py` and calls `services.statement_record`.
"""
