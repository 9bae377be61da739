"""Chain-backed simulator layers: payments, registry and trust on the sim contracts, identity
with secp256k1 keys, and anchoring of trace roots (docs/protocol/sim_chain.md)."""
