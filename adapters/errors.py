"""Errors every ChainAdapter raises, so one conformance suite compares adapters by error name."""

from __future__ import annotations

from typing import Any


class AdapterError(RuntimeError):
    """Base of every failure a chain adapter reports."""


class AbiEncodingError(AdapterError, ValueError):
    """Arguments that do not fit the function's ABI types (or an unknown function). Both
    adapters raise it (the memory chain refuses what eth-abi would), so it lives here and not
    in web3chain: catching it must not import web3."""


class ChainError(AdapterError):
    """The contract refused the operation: a Solidity revert, by error name.

    ``name`` is the custom error's name (``NotOwner``), ``Error`` for ``require``/``revert``
    with a string, ``Panic`` for ``Panic(uint256)``, ``Revert`` for a revert without data and
    ``UnknownError`` for data matching no known selector (``args`` then holds the raw data).
    ``args`` are the decoded error arguments in declaration order; the memory adapter raises
    the same name with the same args for the same misuse.
    """

    def __init__(
        self,
        name: str,
        args: tuple[Any, ...] = (),
        *,
        data: bytes = b"",
        tx_hash: bytes | None = None,
    ) -> None:
        super().__init__(name, *args)
        self.name = name
        self.args = tuple(args)
        self.data = data
        self.tx_hash = tx_hash

    def __str__(self) -> str:
        rendered = ", ".join(_render(arg) for arg in self.args)
        where = f" (tx 0x{self.tx_hash.hex()})" if self.tx_hash else ""
        return f"{self.name}({rendered}){where}"

    def __repr__(self) -> str:
        return f"ChainError(name={self.name!r}, args={self.args!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_chain_error, (self.name, self.args, self.data, self.tx_hash))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChainError):
            return NotImplemented
        return (self.name, self.args) == (other.name, other.args)

    def __hash__(self) -> int:
        return hash((self.name, repr(self.args)))


def _rebuild_chain_error(
    name: str, args: tuple[Any, ...], data: bytes, tx_hash: bytes | None
) -> ChainError:
    return ChainError(name, args, data=data, tx_hash=tx_hash)


def _render(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return repr(value)


class ChainUnavailable(AdapterError):
    """The endpoint cannot be reached or keeps failing; the message is one line: URL and what."""


class TransactionOutcomeUnknown(ChainUnavailable):
    """A signed transaction was handed to a failing endpoint: it may or may not be accepted.

    Carries the signed transaction so the caller can ``resume`` it once the endpoint is back:
    resuming looks the hash up first and never signs a second transaction while the first
    can still be mined.
    """

    def __init__(self, message: str, pending: Any) -> None:
        super().__init__(message)
        self.pending = pending


class TransactionFailed(AdapterError):
    """A transaction could not be placed for a reason that is not a revert (e.g. underfunded)."""


class ChainReorg(AdapterError):
    """The block an event cursor points into is no longer on the chain; resync from earlier."""
