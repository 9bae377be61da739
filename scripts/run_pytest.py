"""Run pytest and treat "no tests collected" (exit 5) as a failure with a clear message."""

from __future__ import annotations

import sys

import pytest

NO_TESTS_COLLECTED = 5


def main() -> int:
    code = int(pytest.main(sys.argv[1:]))
    if code == NO_TESTS_COLLECTED:
        print("pytest collected no tests: the suite is empty or the selection matched nothing")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
