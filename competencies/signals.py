"""Signals the competencies app sends so higher apps (courses) can follow its changes."""

from django.dispatch import Signal

# Sent inside load_standards' transaction with `competency_ids`: competencies whose
# framework now uses another scale (they moved, or the framework changed scale).
# Whoever holds levels of those competencies on the old scale moves them to the new.
competency_scale_changed = Signal()
