"""Validate xAPI statements with Ralph's xAPI 1.0.3 models (run under var/ralph-venv).

Reads a JSON list of statements on stdin; prints a JSON list with, for each, null
when it conforms or the list of problems pydantic found.
"""

import json
import sys

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement


def main() -> None:
    problems = []
    for statement in json.load(sys.stdin):
        try:
            BaseXapiStatement.model_validate(statement)
        except ValidationError as error:
            problems.append(
                [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
            )
        else:
            problems.append(None)
    json.dump(problems, sys.stdout)


if __name__ == "__main__":
    main()
