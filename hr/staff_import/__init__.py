"""The staff import of the HR workspace: parsing a staff file (parsing), the dry run
and the real run (services), and their Celery tasks (tasks)."""
