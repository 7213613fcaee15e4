"""The Learning Record Store's statements resource (xAPI 1.0.3 Communication, 2.1).

Pure HTTP, no database: PUT /statements?statementId=… with Basic authentication and
the X-Experience-API-Version header. A statement id the LRS already holds comes back
204 (same statement) or 409 (it holds a different one under that id): either way the
LRS has it, and it must not be sent again.
"""

from dataclasses import dataclass

import requests

VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
# The statement itself is at fault (400 per the specification; FastAPI-based LRSs
# such as Ralph answer 422; 413 too large): sending it again cannot help. Anything
# else (401/403 credentials, 404 endpoint, 429, 5xx) may be fixed meanwhile: retry.
REJECTED = {400, 413, 422}


class LrsUnavailable(Exception):
    """Try again later: network error, timeout, 5xx, 429, or refused credentials."""


class LrsRejected(Exception):
    """The LRS refused the statement itself: sending it again cannot help."""


@dataclass(frozen=True)
class Lrs:
    endpoint: str  # ends with a slash, e.g. https://lrs.example.go.th/xAPI/
    username: str
    password: str
    timeout: float = 10.0

    def _url(self, resource: str) -> str:
        return self.endpoint.rstrip("/") + "/" + resource

    def put_statement(self, statement: dict) -> int:
        """Store one statement under its id; returns the status (204, 200 or 409)."""
        try:
            response = requests.put(
                self._url("statements"),
                params={"statementId": statement["id"]},
                json=statement,
                auth=(self.username, self.password),
                headers=VERSION_HEADER,
                timeout=(min(self.timeout, 5.0), self.timeout),
            )
        except requests.RequestException as error:
            raise LrsUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code in (200, 204, 409):
            return response.status_code
        detail = f"HTTP {response.status_code}: {response.text[:500]}"
        if response.status_code in REJECTED:
            raise LrsRejected(detail)
        raise LrsUnavailable(detail)

    def get_statements(self, **params) -> dict:
        """One page of GET /statements (for checks and tests)."""
        response = requests.get(
            self._url("statements"),
            params=params,
            auth=(self.username, self.password),
            headers=VERSION_HEADER,
            timeout=self.timeout,
        )
        response.raise_for_status()
        return response.json()
