"""Signals the courses app sends so higher apps (certificates) can act without imports."""

from django.dispatch import Signal

# Sent once, after the transaction that recorded it commits, with `completion`.
course_completed = Signal()
