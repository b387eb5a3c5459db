"""Prometheus metrics of the live server (``GET /metrics``), one registry per server."""

from __future__ import annotations

import contextlib

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0)


class Metrics:
    """Active calls, per-call lag, utterance-end→final latency, ASR queue depth, viewers."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.calls_total = Counter("redactor_calls", "Calls opened", ["source"], registry=r)
        self.active_calls = Gauge("redactor_active_calls", "Calls streaming now", registry=r)
        self.final_latency = Histogram(
            "redactor_final_latency_seconds",
            "Time from the end of an utterance's speech reaching the server to its final event",
            buckets=LATENCY_BUCKETS, registry=r)
        self.asr_queue = Gauge("redactor_asr_queue_depth", "Speech decoding jobs waiting", registry=r)
        self.asr_lag = Gauge("redactor_asr_lag_seconds", "Age of the oldest waiting final decode", registry=r)
        self.call_lag = Gauge("redactor_call_lag_seconds",
                              "Per call: age of its oldest utterance not yet published", ["call_id"], registry=r)
        self.viewers = Gauge("redactor_agent_viewers", "Agent connections", registry=r)
        self.refused = Counter("redactor_handshakes_refused", "Connections refused at the handshake",
                               ["status"], registry=r)

    def call_opened(self, source: str) -> None:
        self.calls_total.labels(source).inc()
        self.active_calls.inc()

    def call_closed(self, call_id: str) -> None:
        self.active_calls.dec()
        with contextlib.suppress(KeyError):
            self.call_lag.remove(call_id)

    def final_published(self, latency_s: float) -> None:
        self.final_latency.observe(max(0.0, latency_s))

    def render(self, calls, scheduler, hub) -> bytes:
        """The exposition text, with the gauges read at scrape time."""
        self.asr_queue.set(scheduler.depth)
        self.asr_lag.set(scheduler.lag())
        self.viewers.set(hub.viewer_count())
        for call_id, session in calls.items():
            self.call_lag.labels(call_id).set(session.lag())
        return generate_latest(self.registry)
