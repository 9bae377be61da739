"""The pytest plugin ``nets`` (entry point group ``pytest11``): installing nets-node is enough.

``--nets-chain memory,anvil`` (or the ``nets_chain`` ini value; default ``memory``) runs every
test that uses ``nets_chain`` once per adapter, with ids ``[memory]`` and ``[anvil]``. anvil
runs are marked ``anvil`` and are skipped, with the reason, when no anvil binary is found.

Fixtures: ``nets_chain`` (a NetsChain: the Arena deployed, mine/advance alike on both),
``nets_accounts`` (the funded dev accounts), ``nets_league`` (a league from a name, a YAML
file or a mapping, created on chain), ``nets_agent`` (WAT text or a file, registered and
staked), ``nets_round`` (a round played to settlement by the node's submitter and verifier
roles), ``nets_anvil`` (the session's anvil). One anvil serves the whole session (per xdist
worker) and is reverted to its snapshot after each test; each memory test gets a copy of one
deployed template.

Only pytest is imported at load time: pytest loads this module in every run of an
environment with nets installed, nets tests or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from adapters.keys import Signer
    from node.testing.chains import DeployedAnvil, MemoryTemplate, NetsChain
    from node.testing.players import AgentFactory, LeagueFactory, Players, RoundPlayer

OPTION = "--nets-chain"
INI = "nets_chain"
DEFAULT = "memory"
ADAPTERS = ("memory", "anvil")
"""What --nets-chain accepts, in the order tests run on them."""
ADAPTERS_KEY = pytest.StashKey[tuple[str, ...]]()
ANVIL_MISSING_KEY = pytest.StashKey[str | None]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nets", "nets chain adapters")
    group.addoption(
        OPTION,
        dest="nets_chain",
        default=None,
        metavar="ADAPTERS",
        help="comma-separated adapters to run each nets_chain test on: memory, anvil "
        f"(default: the {INI} ini value, else {DEFAULT})",
    )
    parser.addini(INI, f"adapters for nets_chain tests when {OPTION} is not given", default=DEFAULT)


def parse_adapters(text: str) -> tuple[str, ...]:
    """``"memory,anvil"`` -> the adapters in ADAPTERS order; ValueError naming a bad one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    allowed = ", ".join(ADAPTERS)
    if not names:
        raise ValueError(f"{OPTION}: no adapter given (allowed: {allowed})")
    for name in names:
        if name not in ADAPTERS:
            raise ValueError(f"{OPTION}: unknown adapter {name!r} (allowed: {allowed})")
    return tuple(a for a in ADAPTERS if a in names)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "anvil: runs on a real anvil devnet (nets_chain[anvil])")
    option = config.getoption("nets_chain")
    text = str(config.getini(INI)) if option is None else str(option)
    try:
        adapters = parse_adapters(text)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[ADAPTERS_KEY] = adapters
    config.stash[ANVIL_MISSING_KEY] = _anvil_missing() if "anvil" in adapters else None


def _anvil_missing() -> str | None:
    """Why anvil cannot run here, or None when its binary is found."""
    from adapters.toolchain import ToolNotFound, anvil_path

    try:
        anvil_path()
    except ToolNotFound as exc:
        return f"nets_chain[anvil]: {exc}"
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses nets_chain (directly or through another fixture) runs once per
    chosen adapter, unless it parametrizes nets_chain itself."""
    if "nets_chain" not in metafunc.fixturenames:
        return
    own = metafunc.definition.iter_markers("parametrize")
    if any("nets_chain" in _argnames(marker.args[0]) for marker in own):
        return
    config = metafunc.config
    missing = config.stash[ANVIL_MISSING_KEY]
    params = []
    for kind in config.stash[ADAPTERS_KEY]:
        marks: list[pytest.MarkDecorator] = []
        if kind == "anvil":
            marks.append(pytest.mark.anvil)
            if missing is not None:
                marks.append(pytest.mark.skip(reason=missing))
        params.append(pytest.param(kind, id=kind, marks=marks))
    metafunc.parametrize("nets_chain", params, indirect=True)


def _argnames(argnames: str | list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(argnames, str):
        return [name.strip() for name in argnames.split(",")]
    return list(argnames)


@pytest.fixture(scope="session")
def nets_anvil() -> Iterator[DeployedAnvil]:
    """The session's anvil (one per xdist worker) with the Arena deployed and its clock
    standing still; nets_chain reverts it to its snapshot after every test."""
    from node.testing.chains import DeployedAnvil

    deployed = DeployedAnvil.start()
    try:
        yield deployed
    finally:
        deployed.stop()


@pytest.fixture(scope="session")
def nets_memory_template() -> MemoryTemplate:
    """The deployed memory chain every memory test starts from a copy of."""
    from node.testing.chains import MemoryTemplate

    return MemoryTemplate()


@pytest.fixture
def nets_chain(request: pytest.FixtureRequest) -> Iterator[NetsChain]:
    """A chain with the Arena deployed and funded dev accounts, on the adapter of this run."""
    from node.testing.chains import NetsChain

    kind = getattr(request, "param", request.config.stash[ADAPTERS_KEY][0])
    if kind == "memory":
        template: MemoryTemplate = request.getfixturevalue("nets_memory_template")
        yield NetsChain("memory", template.fresh())
        return
    deployed: DeployedAnvil = request.getfixturevalue("nets_anvil")
    try:
        yield NetsChain("anvil", deployed.chain)
    finally:
        deployed.reset()


@pytest.fixture
def nets_accounts() -> tuple[Signer, ...]:
    """The ten funded dev accounts (0 creates leagues and opens rounds in nets_round)."""
    from node.testing.chains import dev_accounts

    return dev_accounts()


@pytest.fixture
def nets_players(nets_chain: NetsChain) -> Iterator[Players]:
    """The test's owners and verifiers (behind nets_league, nets_agent and nets_round)."""
    from node.testing.players import Players

    players = Players(nets_chain)
    try:
        yield players
    finally:
        players.close()


@pytest.fixture
def nets_league(nets_players: Players) -> LeagueFactory:
    """``nets_league("demo")``, ``nets_league("path/to.yaml")``, ``nets_league({...terms})``,
    with camelCase term changes as keywords (``matchesPerRound=1``): created on chain."""
    return nets_players.league


@pytest.fixture
def nets_agent(nets_players: Players) -> AgentFactory:
    """``nets_agent(wat_text_or_file, owner=1, stake=1 ether, strategy=None)``: registered
    and staked; its owner's submitter claims for it in nets_round."""
    return nets_players.agent


@pytest.fixture
def nets_round(nets_players: Players) -> RoundPlayer:
    """``nets_round(league, verifiers=[6])``: the league's next round played to settlement by
    the submitters of every nets_agent and the given verifiers (account numbers, or
    node.roles.scenario.Challenger with a policy)."""
    return nets_players.play_round
