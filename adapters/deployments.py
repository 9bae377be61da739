"""The deployments file: which contract lives at which address on which chain.

One JSON file (default ``.nets/deployments.json``, or $NETS_HOME/deployments.json) keyed by
chain id; format in docs/protocol/adapters.md. Written atomically (temp file + rename).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.errors import AdapterError

FORMAT_VERSION = 1
HOME_ENV = "NETS_HOME"
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
HASH = r"^0x[0-9a-fA-F]{64}$"


def nets_home() -> Path:
    """Where the node keeps local state: $NETS_HOME, else ./.nets."""
    return Path(os.environ.get(HOME_ENV) or ".nets")


def default_path() -> Path:
    return nets_home() / "deployments.json"


class DeploymentsError(AdapterError):
    """The deployments file exists but cannot be read."""


class DeployedContract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    address: str = Field(pattern=ADDRESS)
    init_code_hash: str = Field(pattern=HASH, description="keccak256(creation code ++ args)")
    runtime_code_hash: str = Field(pattern=HASH, description="keccak256 of the code on chain")
    tx_hash: str = Field(pattern=HASH)
    block: int = Field(ge=0)
    args: list[str] = Field(default_factory=list, description="constructor args, as text")


class ChainDeployment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chain_id: int
    source_hash: str
    contracts: dict[str, DeployedContract] = Field(default_factory=dict)
    abis: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict,
        description="ABI of each recorded contract and of those they create, so a command "
        "binds the set without compiling it",
    )

    def addresses(self) -> dict[str, str]:
        return {name: c.address for name, c in self.contracts.items()}


class DeploymentsDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = FORMAT_VERSION
    chains: dict[str, ChainDeployment] = Field(default_factory=dict)


class DeploymentsFile:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def read(self) -> DeploymentsDocument:
        if not self.path.exists():
            return DeploymentsDocument()
        try:
            document = DeploymentsDocument.model_validate_json(self.path.read_bytes())
        except (ValidationError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            raise DeploymentsError(f"{self.path}: not a deployments file ({first})") from None
        except OSError as exc:
            raise DeploymentsError(f"{self.path}: {exc.strerror or exc}") from None
        if document.version != FORMAT_VERSION:
            raise DeploymentsError(f"{self.path}: format version {document.version} unsupported")
        return document

    def get(self, chain_id: int) -> ChainDeployment | None:
        return self.read().chains.get(str(chain_id))

    def put(self, deployment: ChainDeployment) -> None:
        document = self.read()
        document.chains[str(deployment.chain_id)] = deployment
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document.model_dump(), indent=2, sort_keys=True) + "\n")
        os.replace(temporary, self.path)
