"""Prometheus metrics of the live server (``GET /metrics``), one registry per server.

``/metrics`` needs no credentials (a scraper on the operations network reads it), so it names
no call: call ids are customer data (a Twilio CallSid, a Genesys conversation id). Lag is
exported as aggregates over the live calls, without labels: ``redactor_call_lag_seconds`` is
the largest (what an alert wants: some call is behind) and ``redactor_calls_lagging`` counts
the calls more than 2 s behind.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0)
LAGGING_S = 2.0


class Metrics:
    """Active calls, call lag (largest, and how many are behind), final latency, ASR queue depth, viewers,
    event bus health (backlog, writes, drops, errors, lost calls)."""

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
        self.dropped = Gauge("redactor_utterances_dropped", "Utterances with audio that produced no final, by reason",
                             ["reason"], registry=r)
        self.call_lag = Gauge("redactor_call_lag_seconds",
                              "Largest over live calls: age of a call's oldest utterance not yet published",
                              registry=r)
        self.calls_lagging = Gauge("redactor_calls_lagging",
                                   f"Live calls whose oldest unpublished utterance is over {LAGGING_S:g} s old",
                                   registry=r)
        self.viewers = Gauge("redactor_agent_viewers", "Agent connections", registry=r)
        self.refused = Counter("redactor_handshakes_refused", "Connections refused at the handshake",
                               ["status"], registry=r)
        # The event bus (--bus): an outage shows here, never as a stalled call.
        self.bus_backlog = Gauge("redactor_bus_backlog", "Events waiting to be written to the event bus",
                                 registry=r)
        self.bus_events = Counter("redactor_bus_events", "Events written to the event bus", registry=r)
        self.bus_dropped = Counter("redactor_bus_dropped_events",
                                   "Events not written to the event bus (queue full, or their call ended there)",
                                   registry=r)
        self.bus_errors = Counter("redactor_bus_errors", "Failed event bus operations", registry=r)
        self.bus_up = Gauge("redactor_bus_up", "1 while the event bus answers (in process: always)", registry=r)
        self.bus_up.set(1)
        self.bus_lost_calls = Counter("redactor_bus_lost_calls",
                                      "Calls this instance ended as lost (their instance stopped heartbeating)",
                                      registry=r)

    def call_opened(self, source: str) -> None:
        self.calls_total.labels(source).inc()
        self.active_calls.inc()

    def call_closed(self, call_id: str) -> None:
        self.active_calls.dec()

    def final_published(self, latency_s: float) -> None:
        self.final_latency.observe(max(0.0, latency_s))

    def render(self, calls, scheduler, hub) -> bytes:
        """The exposition text, with the gauges read at scrape time."""
        self.asr_queue.set(scheduler.depth)
        self.asr_lag.set(scheduler.lag())
        for reason, count in scheduler.drops().items():
            self.dropped.labels(reason).set(count)
        self.viewers.set(hub.viewer_count())
        self.bus_backlog.set(hub.backlog())
        lags = [session.lag() for session in calls.values()]
        self.call_lag.set(max(lags, default=0.0))
        self.calls_lagging.set(sum(lag > LAGGING_S for lag in lags))
        return generate_latest(self.registry)
