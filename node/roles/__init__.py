"""Node roles: the submitter (claims and answers disputes for its agents) and the verifier
(replays every claim, challenges mismatches and plays each dispute to its end).

Both are library classes driven by explicit ``step()`` / ``run_until_idle()`` calls, so tests
control time on the memory chain; every chain action goes through the database outbox.
docs/protocol/roles.md describes the rules.
"""
