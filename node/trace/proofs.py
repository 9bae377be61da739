"""Inclusion proofs of one leaf (a step entry or a match summary) against a root.

RFC 9162 audit paths (node.merkle), carried as a JSON-friendly dataclass: this is what a
claimant reveals in a dispute and what `nets match prove` prints. ``leaf`` is the encoded
entry itself, not its hash, so that the verifier sees the fields it checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Self

from node.merkle import inclusion_proof, verify_inclusion
from node.trace.roots import root_of_leaves

MAX_PROOF_LENGTH = 64
"""No tree of at most 2**64 leaves has a longer audit path; longer input is hostile."""


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _unhex(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a hex string")
    body = text[2:] if text[:2].lower() == "0x" else text
    try:
        return bytes.fromhex(body)
    except ValueError:
        raise ValueError(f"{what}: not valid hex") from None


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what}: expected an integer")
    return value


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Leaf ``index`` of a tree of ``size`` leaves with ``root``; all bytes as 0x hex."""

    index: int
    size: int
    leaf: str
    proof: list[str]
    root: str

    def verify(self) -> bool:
        """True iff the audit path leads from the leaf to the root; False for malformed data."""
        try:
            siblings = [_unhex(item, "proof") for item in self.proof]
            leaf = _unhex(self.leaf, "leaf")
            root = _unhex(self.root, "root")
        except ValueError:
            return False
        if len(siblings) > MAX_PROOF_LENGTH or len(root) != 32:
            return False
        return verify_inclusion(leaf, self.index, self.size, siblings, root)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse and type-check a proof object; ValueError names the first bad field."""
        proof = data.get("proof")
        if not isinstance(proof, list) or len(proof) > MAX_PROOF_LENGTH:
            raise ValueError(f"proof: expected a list of at most {MAX_PROOF_LENGTH} hashes")
        siblings = [_unhex(item, "proof") for item in proof]
        leaf = _unhex(data.get("leaf"), "leaf")
        root = _unhex(data.get("root"), "root")
        return cls(
            index=_int(data.get("index"), "index"),
            size=_int(data.get("size"), "size"),
            leaf=_hex(leaf),
            proof=[_hex(sibling) for sibling in siblings],
            root=_hex(root),
        )

    @classmethod
    def from_json(cls, text: str) -> Self:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return cls.from_dict(data)


def prove_leaf(leaves: Sequence[bytes], index: int, root: bytes | None = None) -> InclusionProof:
    """Inclusion proof of ``leaves[index]``; IndexError when out of range."""
    siblings = inclusion_proof(leaves, index)
    if root is None:
        root = root_of_leaves(leaves)
    return InclusionProof(
        index=index,
        size=len(leaves),
        leaf=_hex(leaves[index]),
        proof=[_hex(sibling) for sibling in siblings],
        root=_hex(root),
    )
