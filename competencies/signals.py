"""Signals the competencies app sends so higher apps (courses) can follow its changes."""

from django.dispatch import Signal

# Sent inside load_standards' transaction with `competency_ids`: competencies whose
# framework now uses another scale (they moved, or the framework changed scale).
# Whoever holds levels of those competencies on the old scale moves them to the new.
competency_scale_changed = Signal()

# Sent with `person_ids` when writes that send no model signal (bulk_create,
# bulk_update, QuerySet.update) changed those people's records or placements; sent
# inside the transaction, so receivers may use transaction.on_commit.
people_changed_in_bulk = Signal()

# Sent with `unit_id` after a unit moved in the organisation tree (with everything
# under it): who sits under which unit changed for all of its people.
org_unit_moved = Signal()
