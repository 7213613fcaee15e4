"""gunicorn's logger with national IDs masked in its access and error logs.

gunicorn writes each request line (path and query string included) to its own
loggers, outside settings.LOGGING; gunicorn.conf.py names this class so that a
national ID typed into a search box never reaches the access log in clear.
"""

from gunicorn.glogging import Logger

from .logging import NationalIdRedactingFilter


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, NationalIdRedactingFilter) for f in log.filters):
                log.addFilter(NationalIdRedactingFilter())
