"""Call records: a live call's final masked transcript, kept after the call for QA review.

``redactor serve --records DIR`` wraps the publish callable the server gives its
``CallManager`` (:func:`attach_records`): every event a call publishes still goes to the agent
hub first, and is also folded into the call's :class:`RecordBuilder`. On ``call_ended``
(whatever the reason: ``stop``, ``disconnect``, ``timeout``, ``shutdown``) the record is
handed to a :class:`RecordSink` in a worker thread. The record is built from the published
events, and from the revisions the session gives the record only (``CallManager.record``: a
correction past ``StreamOptions.revision_horizon_s`` that the agent's screen does not get): masked
text, never raw transcript or audio.

The record is the batch per-call JSON (docs/contracts.md, "Call records") with
``"source": "live"``: each segment's latest final (a later final of the same ``segment_id``
with a higher ``revision`` replaces it; an empty final text retracts it), the call's warnings
(each distinct warning once) and its last identity checklist.

Memory is bounded per call: at most ``RecordLimits.max_segments`` segments and
``max_warnings`` warnings; beyond that, new segments / warnings are left out (revisions of
kept segments still apply) and the record says how many in ``"truncated"``. At most
``max_open`` calls are recorded at once; beyond that the oldest record is abandoned (counted).

A sink failure is logged (error type only, no values) and counted in ``/metrics``
(``redactor_call_records_total{outcome="failed"}``); it never affects the call.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from redactor.stream.events import AgentEvent, CallEnded, IdentityEvent, Transcript, WarningEvent

log = logging.getLogger(__name__)

MARKER = ".redactor-records"  # written on first use; `records purge` refuses a directory without it
MARKER_TEXT = "redactor call records: files here are removed by `redactor records purge`\n"
RECORD_NAME = re.compile(r"[A-Za-z0-9_-]{1,48}-[0-9a-f]{24}-\d{8}T\d{6}Z(-\d+)?\.json")
TEMP_NAME = re.compile(r"\.record-.*\.tmp")
Publish = Callable[[str, AgentEvent], None]
Settings = Callable[[str, "str | None"], dict]


@dataclass(frozen=True, slots=True)
class RecordLimits:
    """Bounds on what one call's record may hold, and on calls recorded at once."""

    max_segments: int = 20_000  # a 3-hour call has ~5,000 finals on two channels
    max_warnings: int = 1_000
    max_open: int = 1_024


def utc_iso(seconds: float) -> str:
    """``2026-11-30T03:54:28Z`` (UTC, whole seconds): the record's time format."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc_iso(text: str) -> float:
    """Seconds since the epoch of a ``utc_iso`` string (``ValueError`` if it is not one)."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


@dataclass(slots=True)
class RecordBuilder:
    """One call's record, folded from its published events (masked content only)."""

    call_id: str
    limits: RecordLimits = field(default_factory=RecordLimits)
    started_at: float = field(default_factory=time.time)
    # segment_id → (revision, final event or None when retracted): the retraction is kept so
    # that an older revision arriving late cannot bring the text back.
    segments: dict[str, tuple[int, Transcript | None]] = field(default_factory=dict)
    warnings: dict[str, dict] = field(default_factory=dict)  # canonical JSON → warning, in order
    identity: IdentityEvent | None = None
    dropped_segments: int = 0
    dropped_warnings: int = 0

    def add(self, event: AgentEvent) -> None:
        """Fold one event in; partials, notices and ``call_ended`` change nothing."""
        if isinstance(event, Transcript) and event.final:
            self._final(event)
        elif isinstance(event, WarningEvent):
            warning = event.warning.to_json()
            key = json.dumps(warning, sort_keys=True, ensure_ascii=False)
            if key in self.warnings:
                return
            if len(self.warnings) >= self.limits.max_warnings:
                self.dropped_warnings += 1
                return
            self.warnings[key] = warning
        elif isinstance(event, IdentityEvent):
            self.identity = event

    def _final(self, event: Transcript) -> None:
        revision = event.revision or 0
        known = self.segments.get(event.segment_id)
        if known is None and len(self.segments) >= self.limits.max_segments:
            self.dropped_segments += 1
            return
        if known is not None and revision < known[0]:
            return  # an older version arriving late
        self.segments[event.segment_id] = (revision, event if event.text else None)

    @property
    def policy(self) -> str | None:
        """The call's purpose policy, as its last identity checklist names it."""
        return self.identity.identity.policy if self.identity else None

    def to_json(self, reason: str, settings: dict | None = None, ended_at: float | None = None) -> dict:
        """The record (docs/contracts.md, "Call records")."""
        ended_at = time.time() if ended_at is None else ended_at
        finals = sorted((e for _, e in self.segments.values() if e is not None),
                        key=lambda e: (e.start, e.end, e.channel))
        record: dict[str, object] = {
            "call_id": self.call_id,
            "source": "live",
            "reason": reason,
            "started_at": utc_iso(self.started_at),
            "ended_at": utc_iso(ended_at),
            "duration": round(max((e.end for e in finals), default=0.0), 3),
            "segments": [_segment(e) for e in finals],
            "warnings": list(self.warnings.values()),
            "identity": _identity(self.identity),
        }
        if settings is not None:
            record["settings"] = settings
        if self.dropped_segments or self.dropped_warnings:
            record["truncated"] = {"segments": self.dropped_segments, "warnings": self.dropped_warnings}
        return record


def _segment(event: Transcript) -> dict:
    """A batch segment (channel, start, end, text, entities) plus the live segment id and revision."""
    doc = event.to_json()
    segment = {"channel": doc["channel"], "segment_id": doc["segment_id"], "start": doc["start"],
               "end": doc["end"], "text": doc["text"], "entities": doc["entities"]}
    if "revision" in doc:
        segment["revision"] = doc["revision"]
    return segment


def _identity(event: IdentityEvent | None) -> dict | None:
    if event is None:
        return None
    doc = event.to_json()
    del doc["type"], doc["call_id"]
    return doc


# ------------------------------------------------------------------ sinks


class RecordSink(Protocol):
    """Where finished records go. ``write`` runs in a worker thread and may block; an exception
    is logged (its type only) and counted, never retried."""

    def write(self, call_id: str, record: dict) -> None: ...


class NotARecordDirectory(ValueError):
    """A path given as a record directory holds other things (no marker file)."""


def record_name(call_id: str, ended_at: str) -> str:
    """A file name for a call's record that cannot traverse or collide: a readable prefix of
    the call id (letters, digits, ``_``, ``-``), a hash of the whole id and the end time."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", call_id)[:48] or "_"
    digest = hashlib.sha256(call_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    stamp = ended_at.replace("-", "").replace(":", "")  # 20261130T035428Z
    return f"{prefix}-{digest}-{stamp}.json"


def open_record_dir(path: Path, *, create: bool) -> Path:
    """``path`` as a record directory: created (0o700) with its marker when ``create`` and it is
    missing or empty; ``NotARecordDirectory`` when it exists without the marker and is not empty
    (or is missing and not to be created)."""
    path = Path(path)
    marker = path / MARKER
    if marker.is_file():
        return path
    if not create:
        raise NotARecordDirectory(f"{path} is not a call record directory (no {MARKER} file)")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise NotARecordDirectory(f"{path} is not empty and not a call record directory (no {MARKER} file)")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    marker.write_text(MARKER_TEXT, encoding="utf-8")
    return path


class DirectoryRecordSink:
    """One JSON file per call in a directory of its own (0o700; files 0o600).

    Each record is written to a hidden temporary file in the same directory, flushed to disk
    and renamed into place (``os.replace``), so a reader or a crash never sees half a record.
    A call id that ends twice (an AudioHook reconnection) gets a second file (``-2`` …).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = open_record_dir(Path(directory), create=True)

    def path_for(self, call_id: str, ended_at: str) -> Path:
        name = record_name(call_id, ended_at)
        path, n = self.directory / name, 1
        while path.exists():
            n += 1
            path = self.directory / name.replace(".json", f"-{n}.json")
        return path

    def write(self, call_id: str, record: dict) -> None:
        data = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".record-", suffix=".tmp")  # 0o600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self.path_for(call_id, str(record.get("ended_at", utc_iso(time.time())))))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        _fsync_dir(self.directory)


def _fsync_dir(path: Path) -> None:
    """Make the rename durable (where the platform allows fsync on a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ the publish wrapper


class RecordMetrics:
    """``redactor_call_records_total{outcome}``: written, failed, abandoned (``max_open``)."""

    def __init__(self, registry=None) -> None:
        from prometheus_client import Counter

        self.records = Counter("redactor_call_records", "Call records, by outcome", ["outcome"],
                               registry=registry)
        for outcome in ("written", "failed", "abandoned"):
            self.records.labels(outcome)

    def count(self, outcome: str) -> None:
        self.records.labels(outcome).inc()


class CallRecorder:
    """A publish callable: forwards each event, then folds it into its call's record; on
    ``call_ended`` the record goes to the sink in a worker thread (inline without a loop)."""

    def __init__(self, publish: Publish, sink: RecordSink, *, settings: Settings | None = None,
                 is_live: Callable[[str], bool] | None = None, limits: RecordLimits | None = None,
                 metrics: RecordMetrics | None = None) -> None:
        """``settings(call_id, policy)``: the record's ``settings``; ``is_live(call_id)``: whether
        the call is streaming now (an event for a call that is not, a straggler after its
        ``call_ended``, starts no record; a new call reusing the id, an AudioHook reconnection,
        does)."""
        self.forward, self.sink, self.settings, self.is_live = publish, sink, settings, is_live
        self.limits = limits or RecordLimits()
        self.metrics = metrics or RecordMetrics(registry=None)
        self.open: collections.OrderedDict[str, RecordBuilder] = collections.OrderedDict()
        self.pending: set[asyncio.Future] = set()

    def __call__(self, call_id: str, event: AgentEvent) -> None:
        self.forward(call_id, event)  # the agents first: a record never delays or breaks a call
        self.record(call_id, event)

    def record(self, call_id: str, event: AgentEvent) -> None:
        """Fold an event into the call's record only (``CallManager.record``: a revision the agents
        are not shown, e.g. past ``StreamOptions.revision_horizon_s``)."""
        try:
            self._record(call_id, event)
        except Exception as exc:  # a record problem must never reach the call
            self._failed("call record failed", call_id, exc)

    def _record(self, call_id: str, event: AgentEvent) -> None:
        if isinstance(event, CallEnded):
            builder = self.open.pop(call_id, None) or RecordBuilder(call_id, self.limits)
            settings = self.settings(call_id, builder.policy) if self.settings else None
            self._submit(call_id, builder.to_json(event.reason, settings))
            return
        builder = self.open.get(call_id)
        if builder is None:
            if self.is_live is not None and not self.is_live(call_id):
                return  # a straggler after call_ended: the record is already written
            builder = self.open[call_id] = RecordBuilder(call_id, self.limits)
            while len(self.open) > self.limits.max_open:
                abandoned, _ = self.open.popitem(last=False)
                self.metrics.count("abandoned")
                log.warning("call record abandoned: too many open calls", extra={"call_id": abandoned})
        builder.add(event)

    def _submit(self, call_id: str, record: dict) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._write(call_id, record)
            return
        future = loop.run_in_executor(None, self._write, call_id, record)
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)

    def _write(self, call_id: str, record: dict) -> None:
        try:
            self.sink.write(call_id, record)
        except Exception as exc:  # any sink may fail; the call is over either way
            self._failed("call record not written", call_id, exc)
        else:
            self.metrics.count("written")

    def _failed(self, message: str, call_id: str, exc: BaseException) -> None:
        self.metrics.count("failed")
        # The type and errno only: an exception's text may quote a path or a value.
        log.error(message, extra={"call_id": call_id, "error": type(exc).__name__,
                                  "errno": getattr(exc, "errno", None)})

    async def drain(self) -> None:
        """Wait for the records being written (tests; a caller that must know they are on disk)."""
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)


def attach_records(calls, directory: str | Path | None, metrics=None) -> CallRecorder | None:
    """Record every call of ``calls`` (a ``CallManager``) into ``directory`` (``None``: off).

    Wraps ``calls.publish``, so it records whatever the decoding publishes; ``metrics`` is the
    server's ``Metrics`` (the counter joins its registry)."""
    if directory is None:
        return None

    def settings(call_id: str, policy: str | None) -> dict:
        from redactor.asr.models import DEFAULT_MODEL
        from redactor.cli import package_version

        if policy is None and (session := calls.calls.get(call_id)) is not None:
            policy = session.conversation.state.policy.name  # no identity event: the call's own
        model = calls.options.asr.model or os.environ.get("REDACTOR_ASR_MODEL") or DEFAULT_MODEL
        return {"model": model, **calls.engine.settings(policy), "version": package_version()}

    recorder = CallRecorder(calls.publish, DirectoryRecordSink(directory), settings=settings,
                            is_live=calls.calls.__contains__,  # a session is listed until its call_ended
                            metrics=RecordMetrics(getattr(metrics, "registry", None)))
    calls.publish = recorder
    calls.record = recorder.record  # revisions the agents are not shown still reach the record
    return recorder


# ------------------------------------------------------------------ retention


def record_end_time(path: Path) -> float:
    """When the call of a record file ended: its ``ended_at``, else (unreadable) the file's mtime."""
    try:
        with path.open(encoding="utf-8") as file:
            return parse_utc_iso(json.load(file)["ended_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return path.stat().st_mtime


def expired(directory: str | Path, older_than_days: float, now: float | None = None) -> list[Path]:
    """The records of ``directory`` whose call ended more than ``older_than_days`` ago, and
    temporary files of interrupted writes as old (``NotARecordDirectory`` for another directory).
    Only plain files named as this module names them are ever candidates: never a link or a
    subdirectory, nothing an operator put there."""
    directory = open_record_dir(Path(directory), create=False)
    cutoff = (time.time() if now is None else now) - older_than_days * 86_400
    old = []
    for path in sorted(directory.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        if RECORD_NAME.fullmatch(path.name):
            when = record_end_time(path)
        elif TEMP_NAME.fullmatch(path.name):
            when = path.stat().st_mtime
        else:
            continue
        if when < cutoff:
            old.append(path)
    return old
