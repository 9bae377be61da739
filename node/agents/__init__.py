"""Agents written in Rust, C, AssemblyScript or WAT: project scaffolds, builds into profile-v1
modules, and fixes for the profile's refusals (docs/protocol/agents.md)."""
