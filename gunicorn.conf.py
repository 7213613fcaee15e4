"""gunicorn's settings for the Academy (read from the working directory by default,
or named with `gunicorn -c gunicorn.conf.py academy.wsgi`).

Only what the Academy's code depends on lives here; workers, bind address and
timeouts are the deployment's (command line or GUNICORN_CMD_ARGS).
"""

# National IDs typed into search boxes are masked in the access log (when the
# deployment turns it on, e.g. --access-logfile -) and the error log.
logger_class = "academy.accounts.gunicorn_logger.RedactingLogger"
