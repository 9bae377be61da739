"""Run pytest and treat "no tests collected" (exit 5) as a failure with a clear message.

pytest keeps each test module with its assertions rewritten in ``__pycache__`` (ignored by
git), unless bytecode writing is off: with PYTHONDONTWRITEBYTECODE set, as in many CI and
container environments, every pytest process (each xdist worker, each live-round worker, a
user's pytest started by a test) rewrote and compiled every test module again: 9.3 CPU-s of
the collection of the whole suite against 5.1 with the cache, 2.0 against 0.8 for the live
rounds' directories (docs/benchmarks/suite.md). The suite's own processes therefore write
bytecode; what the project installs is compiled at `make setup` either way.
"""

from __future__ import annotations

import os
import sys

NO_TESTS_COLLECTED = 5


def main() -> int:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the workers and the processes tests start
    sys.dont_write_bytecode = False
    import pytest

    code = int(pytest.main(sys.argv[1:]))
    if code == NO_TESTS_COLLECTED:
        print("pytest collected no tests: the suite is empty or the selection matched nothing")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
