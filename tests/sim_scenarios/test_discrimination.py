"""Validators discriminate: each fails exactly when its property is broken, never vacuously."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from node.sim.validators import load_trace, run_suite, validate_file
from tests.sim_scenarios.conftest import Runner, read_events, write_events


def failing(path: Path, scenario: str | None = None) -> set[str]:
    return {v.name for v in validate_file(path, scenario).verdicts if not v.passed}


def test_noop_privacy_fails_exactly_the_opacity_validator(run_scenario: Runner) -> None:
    trace = run_scenario("private_commerce", "layers.privacy=noop")
    assert failing(trace) == {"commerce_bid_opacity"}


def test_score_average_trust_fails_exactly_the_penalty_validator(run_scenario: Runner) -> None:
    trace = run_scenario("private_commerce", "layers.trust=score_average")
    assert failing(trace) == {"commerce_undelivered_penalized"}


def test_shared_registry_fails_exactly_discovery(run_scenario: Runner) -> None:
    trace = run_scenario("private_commerce", "layers.registry=in_memory")
    assert failing(trace) == {"commerce_discovery_precedes_bid"}


@pytest.mark.parametrize(
    ("source", "suite"),
    [
        ("pingpong", "marketplace"),
        ("pingpong", "private_commerce"),
        ("auction", "voting"),
        ("voting", "consensus"),
        ("consensus", "supply_chain"),
        ("supply_chain", "reputation"),
        ("reputation", "auction"),
    ],
)
def test_no_validator_passes_without_evidence(
    run_scenario: Runner, source: str, suite: str
) -> None:
    verdicts = validate_file(run_scenario(source), suite).verdicts
    assert verdicts
    for v in verdicts:
        assert not v.passed
        assert v.checked == 0
        assert "no " in v.detail


def _tamper(run_scenario: Runner, tmp_path: Path, name: str, edit: Any) -> set[str]:
    events = read_events(run_scenario(name))
    edited = edit(events)
    assert edited is not None, "the tamper found nothing to change"
    return failing(write_events(tmp_path / f"{name}-tampered.jsonl", edited), name)


def _first(events: list[dict[str, Any]], event: str) -> dict[str, Any]:
    return next(e for e in events if e.get("kind") == "app" and e.get("event") == event)


def _without(events: list[dict[str, Any]], victim: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in events if e is not victim]


def test_tampered_evidence_is_caught(run_scenario: Runner, tmp_path: Path) -> None:
    def double_sell(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sells = [e for e in ev if e.get("event") == "sell" and e.get("kind") == "app"]
        sells[1]["unit"] = sells[0]["unit"]
        sells[1]["agent"] = sells[0]["agent"]
        return ev

    assert "no_double_sell" in _tamper(run_scenario, tmp_path, "marketplace", double_sell)

    def drop_answer(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _without(ev, _first(ev, "answer"))

    assert _tamper(run_scenario, tmp_path, "marketplace", drop_answer) == {"every_buy_answered"}

    def cheap_sale(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _first(ev, "sell")["price"] += 1
        return ev

    assert "sold_price_matches_offer" in _tamper(run_scenario, tmp_path, "marketplace", cheap_sale)

    def wrong_winner(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _first(ev, "award")["winner"] = "bidder-999"
        return ev

    assert "highest_bid_wins" in _tamper(run_scenario, tmp_path, "auction", wrong_winner)

    def second_award(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        award = _first(ev, "award")
        return [*ev[:-1], dict(award, line=None), ev[-1]]

    assert _tamper(run_scenario, tmp_path, "auction", second_award) == {"one_winner_per_item"}

    def unnotified(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _without(ev, _first(ev, "notified"))

    assert _tamper(run_scenario, tmp_path, "auction", unnotified) == {"every_bidder_notified"}

    def double_count(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        count = _first(ev, "count")
        return [*ev[:-1], dict(count), ev[-1]]

    assert "every_vote_counted_once" in _tamper(run_scenario, tmp_path, "voting", double_count)

    def bad_tally(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _first(ev, "tally")["yes"] += 1
        return ev

    assert _tamper(run_scenario, tmp_path, "voting", bad_tally) == {"tally_matches"}

    def thin_commit(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        commit = _first(ev, "commit")
        commit["acks"] = commit["acks"][:3]
        return ev

    assert _tamper(run_scenario, tmp_path, "consensus", thin_commit) == {
        "committed_rounds_have_quorum"
    }

    def other_value(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _first(ev, "commit")["value"] += 1
        return ev

    assert "only_proposed_values_committed" in _tamper(
        run_scenario, tmp_path, "consensus", other_value
    )

    def lost_good(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        hop = next(e for e in ev if e.get("event") == "receive" and "distributor" in e["agent"])
        return _without(ev, hop)

    assert _tamper(run_scenario, tmp_path, "supply_chain", lost_good) == {
        "goods_traced_through_all_hops"
    }

    def unflagged(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _without(ev, _first(ev, "flag"))

    assert _tamper(run_scenario, tmp_path, "reputation", unflagged) == {"cheaters_reported"}

    def slander(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        flag = dict(_first(ev, "flag"), subject="honest-0")
        return [*ev[:-1], flag, ev[-1]]

    assert _tamper(run_scenario, tmp_path, "reputation", slander) == {"honest_not_flagged"}

    def unpaid_delivery(ev: list[dict[str, Any]]) -> list[dict[str, Any]]:
        fulfil = _first(ev, "fulfil")
        return [
            e
            for e in ev
            if not (e.get("event") == "stream_pay" and e["stream"] == fulfil["stream"])
        ]

    assert "commerce_delivery_rewarded" in _tamper(
        run_scenario, tmp_path, "private_commerce", unpaid_delivery
    )


def test_validators_survive_malformed_evidence(run_scenario: Runner, tmp_path: Path) -> None:
    events = read_events(run_scenario("consensus"))
    for e in events:
        if e.get("event") in ("commit", "propose", "ack"):
            e["round"] = "x"
            e["acks"] = 7
    trace = load_trace(write_events(tmp_path / "bad.jsonl", events))
    verdicts = run_suite(trace, "consensus")
    assert [v.passed for v in verdicts] == [False, False]
