"""The roles' event log: each event printed once, in the form the output asks for (JSON lines,
plain timestamped lines, a terminal), refusals as error lines with their reason."""

from __future__ import annotations

import io
import json

from rich.console import Console

from node.roles.log import JsonSink, PlainSink, RichSink, RoleLog, sink_for


def _play(log: RoleLog) -> None:
    log.notice("verifier 0xabc on chain 31337")
    with log.task("replaying round 1", 4) as advance:
        advance(2)
        advance(2)
    log.did("challenge agent 2 round 1 match 0", dispute=1)
    log.refuse("submit claim of agent 1 in round 1", "MoveTooLate", error="MoveTooLate(7)")


def test_json_lines() -> None:
    out = io.StringIO()
    log = RoleLog("verifier", JsonSink(out))
    _play(log)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["event"] for e in events] == [
        "notice", "progress", "progress", "progress", "action", "refused",
    ]  # fmt: skip
    assert [e["done"] for e in events if e["event"] == "progress"] == [0, 2, 4]
    assert events[4]["dispute"] == 1
    assert (events[5]["action"], events[5]["reason"], events[5]["error"]) == (
        "submit claim of agent 1 in round 1", "MoveTooLate", "MoveTooLate(7)",
    )  # fmt: skip
    assert all(e["role"] == "verifier" and e["time"].endswith("Z") for e in events)
    assert log.lines == ["challenge agent 2 round 1 match 0"]
    assert log.refused == ["submit claim of agent 1 in round 1: MoveTooLate"]


def test_plain_lines_print_each_thing_once() -> None:
    out = io.StringIO()
    _play(RoleLog("verifier", PlainSink(out)))
    lines = out.getvalue().splitlines()
    assert len(lines) == 5  # progress: started and done only
    assert lines[1].endswith("verifier: replaying round 1: started (0/4)")
    assert lines[2].endswith("verifier: replaying round 1: done (4/4)")
    assert lines[4].endswith("error: submit claim of agent 1 in round 1: MoveTooLate")
    assert all(line[:4].isdigit() and line[10] == "T" for line in lines)
    assert len(set(lines)) == len(lines)


def test_terminal_lines_and_sink_choice() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    _play(RoleLog("verifier", RichSink(console)))
    text = out.getvalue()
    assert "replaying round 1: done (4/4)" in text
    assert "error submit claim of agent 1 in round 1: MoveTooLate" in text
    assert isinstance(sink_for(True, console, out), JsonSink)
    assert isinstance(sink_for(False, console, out), RichSink)
    assert isinstance(sink_for(False, Console(file=io.StringIO()), out), PlainSink)
