"""Course assignments with deadlines, compliance, reminders and development plans."""
