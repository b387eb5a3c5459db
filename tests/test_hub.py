"""The agent hub's history and slow-viewer rules (pure logic; real sockets: tests/test_server.py,
and tests/test_bus.py for slow and late agents of both buses)."""

from __future__ import annotations

from redactor.policy import Warning
from redactor.server.hub import AgentHub, History, HubOptions, Viewer
from redactor.stream.events import AgentEvent, CallEnded, Transcript, WarningEvent


def _t(segment: str, final: bool, text: str = "x") -> Transcript:
    return Transcript("A", segment.split("-")[0], segment, final, text, 0.0, 1.0)


def _json(events) -> list[dict]:
    """Events as the agent receives them."""
    return [e.to_json() for e in events]


def _ended(call_id: str) -> AgentEvent:
    return CallEnded(call_id)


def test_history_keeps_the_latest_event_of_each_segment_in_order():
    history = History(limit=100)
    history.add(_t("customer-1", False, "a"))
    history.add(WarningEvent("A", Warning("unneeded_pii", "warning", "m", "s")))
    history.add(_t("customer-1", True, "b"))
    history.add(_t("agent-1", True, "c"))
    events = _json(history.events.values())
    assert [e.get("text") for e in events if e["type"] == "transcript"] == ["b", "c"]
    assert len(events) == 3


def test_a_slow_viewer_gets_partials_coalesced_then_a_notice_never_losing_finals():
    viewer = Viewer(ws=None, call_id="A", size=8)
    for i in range(4):
        viewer.offer(_t("customer-1", False, f"p{i}"))
    for i in range(4):
        viewer.offer(_t(f"agent-{i}", True))
    viewer.offer(_t("customer-1", False, "p-last"))  # the queue is full: coalesce
    queued = _json(viewer.queue)
    partial_texts = [e["text"] for e in queued if e["type"] == "transcript" and not e["final"]]
    assert "p0" not in partial_texts and partial_texts[-1] == "p-last"
    assert sum(1 for e in queued if e.get("final")) == 4
    assert any(e["type"] == "notice" for e in queued)
    assert not viewer.overflowed


def test_finals_alone_overflowing_a_viewer_disconnect_it():
    viewer = Viewer(ws=None, call_id="A", size=4)
    for i in range(6):
        viewer.offer(_t(f"agent-{i}", True))
    assert viewer.overflowed


def test_publish_offers_events_only_to_viewers_of_that_call():
    hub = AgentHub(HubOptions(queue_size=16))
    a, b = Viewer(None, "A", 16), Viewer(None, "B", 16)
    hub.viewers = {"A": {a}, "B": {b}}
    hub.publish("A", _t("agent-1", True, "for A"))
    hub.publish("B", _ended("B"))
    assert [e.get("text") for e in _json(a.queue)] == ["for A"]
    assert [e["type"] for e in _json(b.queue)] == ["call_ended"]
    assert hub.histories["B"].ended


def test_a_new_call_with_an_ended_call_id_starts_a_fresh_history():
    hub = AgentHub()
    hub.publish("A", _t("agent-1", True, "old"))
    hub.publish("A", _ended("A"))
    hub.publish("A", _t("agent-1", True, "new"))
    assert [e.get("text") for e in _json(hub.histories["A"].events.values())] == ["new"]


def test_the_hub_lists_its_live_calls_newest_first_with_their_viewers():
    """``GET /calls`` on the in-process hub: the bound call table as it is now (the table's sessions
    are stand-ins here: only what a listing reads; real calls are in tests/test_bus.py)."""
    import asyncio
    import time
    from types import SimpleNamespace

    now = time.monotonic()
    sessions = {cid: SimpleNamespace(call_id=cid, channels=("agent", "customer"), source="twilio", started=now - age)
                for cid, age in (("old", 30.0), ("new", 5.0))}
    hub = AgentHub(instance="i-1")
    hub.bind(SimpleNamespace(calls=sessions))
    hub.viewers = {"old": {Viewer(None, "old", 4), Viewer(None, "old", 4)}}
    calls = asyncio.run(hub.active_calls())
    assert [(c.call_id, c.viewers, c.instance) for c in calls] == [("new", 0, "i-1"), ("old", 2, "i-1")]
    assert abs(calls[1].started - (time.time() - 30.0)) < 1.0
    assert calls[0].to_json()["channels"] == ["agent", "customer"] and calls[0].policy is None
