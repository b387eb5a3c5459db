"""``redactor text``: mask Japanese PII in lines of text (JSONL or plain), streaming.

Each input line is a JSON object ``{"id", "text", "speaker"?, "call_id"?, "policy"?, "start"?,
"end"?}`` (times in seconds, when the lines come from a recording) or
plain text (its id is the 1-based line number).  Each output line is
``{"id", "text", "entities", "warnings"}`` in input order.  A line that cannot be read gives
an error on stderr naming the line (never its content) and an ``{"id", "error"}`` line on
stdout, so output stays aligned with input; the run goes on and exits with status 1.
Input is read and written one line at a time, so memory stays constant on any length:
a line is read up to ``MAX_LINE_BYTES`` and the rest of a longer one is skipped unread, and
every failure of a line, whatever its kind, is that line's error (never the run's end).
An error line's id is the line number.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, TextIO

from redactor.config import ConfigError, add_engine_arguments
from redactor.conversation import SIDES
from redactor.jsonl import dumps_line
from redactor.percall import PerCall
from redactor.policy import PolicyError

if TYPE_CHECKING:
    from redactor.conversation import Conversation
    from redactor.engine import Engine

DEFAULT_POLICY = "general_support"
SPEAKERS = SIDES  # a line names its side or none
KNOWN_FIELDS = frozenset({"id", "text", "speaker", "call_id", "policy", "start", "end"})
MAX_LINE_BYTES = 1 << 20
_SKIP_CHUNK = 1 << 16  # the rest of an overlong line is read and dropped this much at a time


class LineError(ValueError):
    """A line that cannot be processed; the message never quotes the line."""


@dataclass(frozen=True, slots=True)
class Utterance:
    id: str
    text: str
    speaker: str | None = None
    call_id: str | None = None
    policy: str = DEFAULT_POLICY
    start: float | None = None  # seconds into the call, when the text comes from a recording
    end: float | None = None


def parse_line(raw: bytes, number: int, default_policy: str = DEFAULT_POLICY,
               notes: list[str] | None = None) -> Utterance:
    """Read one input line (without its newline); raise ``LineError`` if it is malformed.

    ``raw`` is ``None`` for a line longer than ``MAX_LINE_BYTES`` that was not kept (see
    ``_lines``).  No message quotes the line: they name a field, a byte or a column.
    """
    if raw is None or len(raw) > MAX_LINE_BYTES:
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
    except RecursionError:  # arrays or objects nested past the interpreter's limit
        raise LineError("invalid JSON: nested too deeply") from None
    except ValueError:  # an integer longer than int() accepts (4,300 digits)
        raise LineError("invalid JSON: a number too long") from None
    if not isinstance(data, dict):
        raise LineError("a JSON line must be an object")
    for name in ("id", "text", "speaker", "call_id", "policy"):
        if name in data and not isinstance(data[name], str):
            raise LineError(f'field "{name}" must be a string')
    for name in ("start", "end"):
        if name in data and (isinstance(data[name], bool) or not isinstance(data[name], int | float)
                             or not math.isfinite(data[name])):
            raise LineError(f'field "{name}" must be a number of seconds')
    if "text" not in data:
        raise LineError('missing field "text"')
    for name in ("id", "text", "speaker", "call_id", "policy"):
        if name in data and not _encodable(data[name]):
            raise LineError(f'field "{name}" holds a lone surrogate (a \\ud800-\\udfff escape), '
                            "which is not text and cannot be written as UTF-8")
    if data.get("speaker") is not None and data["speaker"] not in SPEAKERS:
        raise LineError(f'field "speaker" must be one of {", ".join(SPEAKERS)}')
    unknown = len(set(data) - KNOWN_FIELDS)
    if unknown and notes is not None:  # counted, not named: a name is input too
        notes.append(f"ignoring {unknown} unknown field(s)")
    return Utterance(data.get("id", str(number)), data["text"], data.get("speaker"),
                     data.get("call_id"), data.get("policy", default_policy), data.get("start"), data.get("end"))


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """Each line without its newline, or ``None`` for one longer than ``MAX_LINE_BYTES``.

    At most ``MAX_LINE_BYTES`` (plus a CR LF) of a line is held: the rest of a longer one
    is read in small chunks and dropped, so a line of any length costs bounded memory.
    """
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 2)
        if not raw:
            return
        if len(raw) == MAX_LINE_BYTES + 2 and not raw.endswith(b"\n"):
            while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield raw.rstrip(b"\r\n")


def pretty(record: dict, speaker: str | None = None) -> str:
    """A record as a person reads it: the masked line, then its warnings with what to say."""
    if "error" in record:
        return f"{record['id']}  (error: {record['error']})\n"
    lines = [f"{record['id']}  {f'[{speaker}] ' if speaker else ''}{record['text']}"]
    for warning in record["warnings"]:
        lines.append(f"      ⚠ {warning['severity']} {warning['kind']}: {warning['message']}")
        lines.append(f"        → {warning['suggestion']}")
    return "\n".join(lines) + "\n"


def run(stream: BinaryIO, out: TextIO, err: TextIO, engine: Engine, default_policy: str,
        output: str = "jsonl", *, transcripts: bool = False) -> int:
    failed = 0
    # Lines of one call_id are one conversation, in input order (an answer inherits the
    # question's cue, warnings are stateful); a line without call_id is a call of its own.
    calls: PerCall[Conversation] = PerCall(engine.conversation)
    for number, raw in enumerate(_lines(stream), start=1):
        notes: list[str] = []
        utterance: Utterance | None = None
        try:
            utterance = parse_line(raw, number, default_policy, notes)
            try:  # an unknown policy fails this line only
                engine.policies.get(utterance.policy)
                conversation = (calls.get(utterance.call_id, utterance.policy) if utterance.call_id
                                else engine.conversation(f"line:{number}", utterance.policy))
            except PolicyError as exc:
                raise LineError(str(exc)) from None
            turn = conversation.turn(utterance.text, utterance.speaker, start=utterance.start,
                                     end=utterance.end, segment_id=utterance.id, heard=transcripts)
            record = {"id": utterance.id, "text": turn.text,
                      "entities": [e.to_json() for e in turn.entities],
                      "warnings": [w.to_json() for w in turn.warnings]}
        except LineError as exc:
            failed += 1
            print(f"redactor text: line {number}: {exc}", file=err)
            record = {"id": str(number), "error": str(exc)}
        except Exception as exc:  # any failure of one line is that line's error, not the run's
            # Named by its type only: an exception's message may quote the text.
            failed += 1
            print(f"redactor text: line {number}: internal error ({type(exc).__name__})", file=err)
            record = {"id": str(number), "error": "internal error"}
        for note in notes:
            print(f"redactor text: line {number}: {note}", file=err)
        if output == "pretty":
            out.write(pretty(record, utterance.speaker if utterance and "error" not in record else None))
        else:
            out.write(dumps_line(record) + "\n")
        out.flush()
    if failed:
        print(f"redactor text: {failed} line(s) failed", file=err)
    return 1 if failed else 0


def _command(args: argparse.Namespace) -> int:
    from redactor.engine import build_engine  # the model loads only when a command needs it

    try:
        engine = build_engine(args.config, entities=args.entities, score_threshold=args.score_threshold)
        engine.policies.get(args.policy)
    except (ConfigError, PolicyError) as exc:
        print(f"redactor text: configuration error:\n{exc}", file=sys.stderr)
        return 2
    if args.input in (None, "-"):
        return run(sys.stdin.buffer, sys.stdout, sys.stderr, engine, args.policy, args.format,
                   transcripts=args.transcripts)
    try:
        with open(args.input, "rb") as stream:
            return run(stream, sys.stdout, sys.stderr, engine, args.policy, args.format,
                       transcripts=args.transcripts)
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
    add_engine_arguments(parser)
    parser.add_argument("--format", choices=("jsonl", "pretty"), default="jsonl",
                        help="jsonl (the contract, default) or pretty: masked lines and warnings for people")
    parser.add_argument("--policy", default=DEFAULT_POLICY,
                        help=f"purpose policy for lines that name none (default {DEFAULT_POLICY})")
    parser.add_argument("--transcripts", action="store_true",
                        help="the lines are speech recognition output, read as live and batch read theirs: a "
                             "common word before an honorific (移動さま) stays masked as a name the recogniser may "
                             "have garbled; one word only the dictionaries call a name (平化) is shown")
    parser.set_defaults(func=_command)
