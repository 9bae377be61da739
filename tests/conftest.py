"""Shared fixtures: a real anvil devnet on a free loopback port, always stopped afterwards;
and how tests are split over pytest-xdist workers (`make pytest` runs -n). The anvil with the
Arena deployed, reverted after each test, is the nets pytest plugin's (``nets_anvil``,
``nets_chain``: node/testing/pytest_plugin.py), which this suite uses as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from adapters.anvil import Anvil

pytest_plugins = ["tests.browser"]  # the headless Chromium fixtures (``tab``)

# No test depends on wall-clock time: hypothesis's per-example deadline and its "too slow"
# health check fail a correct test on a loaded machine, so both are off for every test.
settings.register_profile("nets", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nets")

# Directories whose modules share in-process state and must run on one worker together:
# tests/conformance/test_transcripts.py compares what the scenario modules recorded;
# tests/executor's modules share one local Ray (starting one costs seconds and a CPU).
ONE_WORKER_DIRS = ("tests/conformance/", "tests/executor/")
# Modules of long, independent tests (each runs whole `nets` processes and shares no module
# state): each test is its own unit, so one module does not keep one worker busy for minutes
# while the other waits (tests/reliability/test_kill_after_send.py alone took 290 s so).
EACH_TEST_ITS_OWN_UNIT = (
    "tests/agents/test_build_errors.py",
    "tests/agents/test_scaffolds.py",
    "tests/db/test_db_joint_transaction.py",
    "tests/foundation/test_doctor.py",
    "tests/plugin/test_example.py",
    "tests/reliability/test_kill_after_send.py",
    "tests/roles/test_demo_cli.py",
)


def work_unit(nodeid: str) -> str:
    """The unit pytest-xdist hands to one worker: the test's module, or its directory for
    ONE_WORKER_DIRS (so module- and session-scoped state is built once per unit), or the test
    alone in EACH_TEST_ITS_OWN_UNIT."""
    module = nodeid.split("::", 1)[0]
    if module in EACH_TEST_ITS_OWN_UNIT:
        return nodeid
    return next((d for d in ONE_WORKER_DIRS if module.startswith(d)), module)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`make pytest` (-n, --dist loadscope): LoadScope scheduling over work_unit. (xdist_group
    marks cannot do this here: pytest 9.2 renamed the node id attribute that --dist loadgroup
    rewrites.) Any other --dist (the live session's ``load``: one test per worker) is xdist's."""
    from xdist.scheduler import LoadScopeScheduling

    if config.getoption("dist") != "loadscope":
        return None

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit(config, log)


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    """One anvil for the whole session (tests must not depend on each other's state)."""
    node = Anvil().start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def fresh_anvil() -> Iterator[Anvil]:
    """A private anvil for tests that change time or kill the node."""
    node = Anvil().start()
    try:
        yield node
    finally:
        node.stop()
