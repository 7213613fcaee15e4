"""Start Ralph's LRS API on the file-system backend (run under var/ralph-venv).

Ralph 5.1's file-system data backend writes with operation CREATE by default, which
refuses to write to its statements file once it exists: every PUT after the first
answers 500. Its LRS backend means to append to that one file, so it is set to
APPEND here before the app is imported; nothing else of Ralph is changed.

Usage: python serve.py PORT
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), workers=1)
