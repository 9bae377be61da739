"""Traces both ways: nets reads Nanda Town's JSONL (inspect, report, validate) and writes it
(`nets run --trace-format nanda`). `make compat` also has Nanda Town's `nest inspect` read ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.cli import main
from node.sim.nanda_trace import to_nets
from node.sim.validators import validate_file
from node.sim.validators.core import TraceError, read_events
from tests.sim_nanda.conftest import FILES


def nets(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def line(**fields: Any) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def market(tmp_path: Path, *, double_sell: bool = False) -> Path:
    """A small Nanda Town marketplace trace in its format: two buyers, one seller."""
    rows = [line(agent=a, kind="start", ts=0.0) for a in ("seller-0", "buyer-0", "buyer-1")]
    corr = 0

    def msg(src: str, dst: str, text: str) -> None:
        nonlocal corr
        corr += 1
        c = f"corr-{corr}"
        size = len(text)
        rows.append(line(agent=src, corr=c, kind="send", msg=text, size=size, to=dst, ts=0.0))
        rows.append(
            line(agent=dst, corr=c, kind="receive", msg=text, size=size, ts=0.0, **{"from": src})
        )

    msg("buyer-0", "seller-0", "buy:product-0:50|sig:ab")
    msg("seller-0", "buyer-0", "sold:product-0:50|sig:cd")
    msg("buyer-1", "seller-0", "buy:product-0:60")
    if double_sell:
        msg("seller-0", "buyer-1", "sold:product-0:60")
    else:
        msg("seller-0", "buyer-1", "reject:product-0:20")
    rows += [line(agent=a, kind="stop", ts=0.0) for a in ("seller-0", "buyer-0", "buyer-1")]
    path = tmp_path / "market.jsonl"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_nanda_trace_reads_as_nets_events(tmp_path: Path) -> None:
    events = [e for _, e in read_events(market(tmp_path))]
    assert events[0]["format"] == "nanda"
    assert events[0]["task"] == "marketplace"
    assert events[0]["agents"] == 3
    sends = [e for e in events if e["kind"] == "send"]
    receives = [e for e in events if e["kind"] == "receive"]
    assert [s["id"] for s in sends] == [r["id"] for r in receives] == [1, 2, 3, 4]
    assert events[-1]["kind"] == "end"
    assert events[-1]["sent"] == events[-1]["delivered"] == 4


def test_nets_validate_runs_nanda_towns_checks_on_its_trace(tmp_path: Path) -> None:
    report = validate_file(market(tmp_path))
    assert report.passed
    assert [v.name for v in report.verdicts] == [
        "marketplace_no_double_sell",
        "marketplace_all_responded",
        "marketplace_price_agreement",
    ]


def test_a_double_sale_fails_exactly_its_check(tmp_path: Path) -> None:
    report = validate_file(market(tmp_path, double_sell=True))
    assert [v.name for v in report.verdicts if not v.passed] == ["marketplace_no_double_sell"]


def test_inspect_and_report_read_a_nanda_trace(tmp_path: Path) -> None:
    path = market(tmp_path)
    code, out, err = nets("inspect", str(path), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["run"]["task"] == "marketplace"
    assert summary["kinds"]["send"] == 4
    code, _, err = nets("report", str(path), "-o", str(tmp_path / "r.html"))
    assert code == 0, err
    assert "marketplace_price_agreement" in (tmp_path / "r.html").read_text()


def test_validate_names_the_suites_nanda_traces_have(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(line(agent="supplier-0", kind="start", ts=0.0) + "\n")
    code, _, err = nets("validate", str(path), "--scenario", "private_commerce")
    assert code == 2
    assert "Nanda Town traces" in err


def test_nets_writes_a_trace_in_nanda_towns_format(tmp_path: Path) -> None:
    out = tmp_path / "auction.jsonl"
    code, _, err = nets(
        "run", str(FILES / "auction.yaml"), "-o", str(out), "--trace-format", "nanda", "--json"
    )
    assert code == 0, err
    assert not (tmp_path / "auction.jsonl.nets").exists()
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    # Nanda Town's kinds, plus nets' evidence lines (nest inspect counts them by kind)
    kinds = {"start", "send", "receive", "dropped", "stop", "app", "layer"}
    assert {e["kind"] for e in lines} <= kinds
    for raw, event in zip(out.read_text().splitlines(), lines, strict=True):
        assert raw == line(**event)  # sorted keys, compact, as Nanda Town writes
        assert isinstance(event["ts"], float)
    # read back: the same messages as the nets run reported
    result = json.loads(
        CliRunner()
        .invoke(main, ["run", str(FILES / "auction.yaml"), "--no-trace", "--json"])
        .stdout
    )
    end = [e for _, e in read_events(out)][-1]
    assert end["sent"] == result["sent"]
    assert end["delivered"] == result["delivered"]


def test_nanda_format_refuses_anchor(tmp_path: Path) -> None:
    code, _, err = nets(
        "run",
        str(FILES / "auction.yaml"),
        "--trace-format",
        "nanda",
        "--anchor",
        "-o",
        str(tmp_path / "a"),
    )
    assert code == 2
    assert "--anchor" in err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(
                    ["start", "send", "broadcast", "receive", "dropped", "stop", "x"]
                ),
                "ts": st.one_of(
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.integers(),
                    st.text(max_size=3),
                ),
            },
            optional={
                "agent": st.one_of(st.text(max_size=5), st.integers()),
                "to": st.text(max_size=5),
                "from": st.text(max_size=5),
                "corr": st.one_of(st.text(max_size=4), st.integers(), st.none()),
                "msg": st.one_of(st.text(max_size=20), st.integers()),
                "size": st.integers(),
            },
        ),
        min_size=1,
        max_size=12,
    )
)
def test_hostile_nanda_lines_never_crash_the_reader(
    tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    try:
        report = validate_file(path, "marketplace")
    except TraceError:
        return
    assert report.verdicts


def test_to_nets_numbers_the_header_zero() -> None:
    events = list(to_nets(iter([(1, {"kind": "start", "agent": "bidder-0", "ts": 0})]), "x"))
    assert events[0][0] == 0
    assert events[0][1]["task"] is None
    assert events[-1][1]["kind"] == "end"


def ballot(tmp_path: Path, announced: str) -> Path:
    """A Nanda Town voting round in its format: three votes, then the announced result."""
    rows = [line(agent=a, kind="start", ts=0.0) for a in ("proposer-0", "coordinator-0", "voter-0")]
    for i, choice in enumerate(("yes", "yes", "no")):
        text = f"vote:1:{choice}:voter-{i}"
        rows.append(
            line(
                agent=f"voter-{i}",
                corr=f"c{i}",
                kind="send",
                msg=text,
                size=len(text),
                to="coordinator-0",
                ts=0.0,
            )
        )
    text = f"result:1:passed:{announced}"
    rows.append(
        line(
            agent="coordinator-0",
            corr="r",
            kind="send",
            msg=text,
            size=len(text),
            to="proposer-0",
            ts=0.0,
        )
    )
    path = tmp_path / "ballot.jsonl"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_nanda_voting_checks(tmp_path: Path) -> None:
    report = validate_file(ballot(tmp_path, "2/3"))
    assert report.suite == "voting"
    assert report.passed, report.verdicts
    wrong = validate_file(ballot(tmp_path, "3/3"))
    assert [v.name for v in wrong.verdicts if not v.passed] == ["voting_tally_correct"]
    short = validate_file(ballot(tmp_path, "2/2"))
    assert {v.name for v in short.verdicts if not v.passed} == {
        "voting_tally_correct",
        "voting_all_counted",
    }


def test_nanda_consensus_commit_needs_two_thirds(tmp_path: Path) -> None:
    rows = [
        line(agent=a, kind="start", ts=0.0)
        for a in ("leader-0", "follower-0", "follower-1", "follower-2")
    ]
    rows.append(
        line(
            agent="leader-0",
            corr="p",
            kind="send",
            msg="propose:1:42",
            size=12,
            to="follower-0",
            ts=0.0,
        )
    )
    for i, vote in enumerate(("accept", "reject", "reject")):
        text = f"vote:1:{vote}"
        rows.append(
            line(
                agent=f"follower-{i}",
                corr=f"v{i}",
                kind="send",
                msg=text,
                size=len(text),
                to="leader-0",
                ts=0.0,
            )
        )
    rows.append(
        line(
            agent="leader-0",
            corr="r",
            kind="send",
            msg="result:1:committed:1/3",
            size=22,
            to="follower-0",
            ts=0.0,
        )
    )
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(rows) + "\n")
    report = validate_file(path)
    assert report.suite == "consensus"
    assert [v.name for v in report.verdicts if not v.passed] == ["consensus_agreement"]
