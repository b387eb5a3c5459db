"""``redactor text``: mask Japanese PII in lines of text (JSONL or plain), streaming.

Each input line is a JSON object ``{"id", "text", "speaker"?, "call_id"?, "policy"?}`` or
plain text (its id is the 1-based line number).  Each output line is
``{"id", "text", "entities", "warnings"}`` in input order.  A line that cannot be read gives
an error on stderr naming the line (never its content) and an ``{"id", "error"}`` line on
stdout, so output stays aligned with input; the run goes on and exits with status 1.
Input is read and written one line at a time, so memory stays constant on any length.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from redactor.config import ConfigError
from redactor.policy import CallStates, PolicyError, PolicySet, WarningEngine, build_policies

DEFAULT_POLICY = "general_support"
SPEAKERS = ("agent", "customer")
KNOWN_FIELDS = frozenset({"id", "text", "speaker", "call_id", "policy"})
MAX_LINE_BYTES = 1 << 20


class LineError(ValueError):
    """A line that cannot be processed; the message never quotes the line."""


@dataclass(frozen=True, slots=True)
class Utterance:
    id: str
    text: str
    speaker: str | None = None
    call_id: str | None = None
    policy: str = DEFAULT_POLICY


def parse_line(raw: bytes, number: int, default_policy: str = DEFAULT_POLICY,
               notes: list[str] | None = None) -> Utterance:
    """Read one input line (without its newline); raise ``LineError`` if it is malformed."""
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(f"longer than {MAX_LINE_BYTES} bytes")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(f"not valid UTF-8 (byte {exc.start})") from None
    if not line.lstrip().startswith("{"):
        return Utterance(str(number), line, policy=default_policy)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise LineError("a JSON line must be an object")
    for name in ("id", "text", "speaker", "call_id", "policy"):
        if name in data and not isinstance(data[name], str):
            raise LineError(f'field "{name}" must be a string')
    if "text" not in data:
        raise LineError('missing field "text"')
    if data.get("speaker") is not None and data["speaker"] not in SPEAKERS:
        raise LineError(f'field "speaker" must be one of {", ".join(SPEAKERS)}')
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown and notes is not None:
        notes.append(f"ignoring unknown field(s) {', '.join(unknown)}")
    return Utterance(data.get("id", str(number)), data["text"], data.get("speaker"),
                     data.get("call_id"), data.get("policy", default_policy))


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    for raw in stream:
        yield raw.rstrip(b"\r\n")


def policies_of(redactor) -> PolicySet:
    """Built-in policies with the configuration's ``[policies]`` applied (raises ``PolicyError``)."""
    return build_policies(redactor.config.policies, redactor.config.entity_types)


def pretty(record: dict, speaker: str | None = None) -> str:
    """A record as a person reads it: the masked line, then its warnings with what to say."""
    if "error" in record:
        return f"{record['id']}  (error: {record['error']})\n"
    lines = [f"{record['id']}  {f'[{speaker}] ' if speaker else ''}{record['text']}"]
    for warning in record["warnings"]:
        lines.append(f"      ⚠ {warning['severity']} {warning['kind']}: {warning['message']}")
        lines.append(f"        → {warning['suggestion']}")
    return "\n".join(lines) + "\n"


def run(stream: BinaryIO, out: TextIO, err: TextIO, redactor, default_policy: str,
        policies: PolicySet | None = None, output: str = "jsonl") -> int:
    failed = 0
    calls = redactor.call_contexts()
    # Lines of one call share a warning state; a line without call_id is a call of its own.
    warning_states = CallStates(WarningEngine(policies or policies_of(redactor)))
    for number, raw in enumerate(_lines(stream), start=1):
        notes: list[str] = []
        try:
            utterance = parse_line(raw, number, default_policy, notes)
            try:  # an unknown policy fails this line only
                warning_states.engine.policies.get(utterance.policy)
                state = warning_states.get(f"call:{utterance.call_id}" if utterance.call_id
                                           else f"line:{number}", utterance.policy)
            except PolicyError as exc:
                raise LineError(str(exc)) from None
            # Lines of one call are a conversation: an answer inherits the question's cue.
            context = calls.get(utterance.call_id) if utterance.call_id else None
            prompt = context.prompt_for(utterance.speaker) if context else None
            result = redactor.redact(utterance.text, call_id=utterance.call_id or "", prompt=prompt)
            if context:
                context.observe(utterance.text, utterance.speaker)
            warnings = state.observe(text=utterance.text, masked=result.text, entities=result.entities,
                                     speaker=utterance.speaker, segment_id=utterance.id)
            record = {"id": utterance.id, "text": result.text,
                      "entities": [e.to_json() for e in result.entities],
                      "warnings": [w.to_json() for w in warnings]}
        except LineError as exc:
            failed += 1
            print(f"redactor text: line {number}: {exc}", file=err)
            record = {"id": str(number), "error": str(exc)}
        for note in notes:
            print(f"redactor text: line {number}: {note}", file=err)
        if output == "pretty":
            out.write(pretty(record, utterance.speaker if "error" not in record else None))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        print(f"redactor text: {failed} line(s) failed", file=err)
    return 1 if failed else 0


def _command(args: argparse.Namespace) -> int:
    from redactor.pii.redactor import Redactor  # the model loads only when a command needs it

    try:
        redactor = Redactor(args.config)
        policies = policies_of(redactor)
        policies.get(args.policy)
    except (ConfigError, PolicyError) as exc:
        print(f"redactor text: configuration error:\n{exc}", file=sys.stderr)
        return 2
    if args.input in (None, "-"):
        return run(sys.stdin.buffer, sys.stdout, sys.stderr, redactor, args.policy, policies, args.format)
    try:
        with open(args.input, "rb") as stream:
            return run(stream, sys.stdout, sys.stderr, redactor, args.policy, policies, args.format)
    except OSError as exc:
        print(f"redactor text: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "text", help="mask PII in lines of text (JSONL or plain)",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("input", nargs="?", metavar="INPUT",
                        help="file to read; '-' or absent for stdin")
    parser.add_argument("--config", metavar="FILE", help="TOML configuration (operators, identifiers)")
    parser.add_argument("--format", choices=("jsonl", "pretty"), default="jsonl",
                        help="jsonl (the contract, default) or pretty: masked lines and warnings for people")
    parser.add_argument("--policy", default=DEFAULT_POLICY,
                        help=f"purpose policy for lines that name none (default {DEFAULT_POLICY})")
    parser.set_defaults(func=_command)
