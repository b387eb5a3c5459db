"""``redactor demo``: a live masked call in the terminal, end to end.

``redactor demo [CALL.wav] [--speed X] [--policy NAME] [--port P] [--no-partials] [--keep-serving]``

Starts the live server in this process on 127.0.0.1 (a random token secret and Twilio auth
token, generated here and never printed), prints the agent page URL and an agent token for it
before the call streams (open the page to watch the call live; ``--speed 1`` is real time),
connects as an agent with a token it issued, and plays a stereo sample call (channel 0 agent,
channel 1 customer) into ``/twilio`` exactly as Twilio Media Streams would: μ-law 8 kHz, both
tracks, a signed handshake, at real-time pace (``--speed 4`` plays four times faster). The
terminal shows what the agent's screen shows: each speaker's finals with masked values as
labelled chips (［電話番号］, the labels of ``catalogue.TYPE_LABELS``), the open utterance's
partial (dim, replaced by its final), warnings with their suggestion, and the identity check.
A revised final (the second pass, ``revision`` n ≥ 1) is printed again under a 修正 (corrected)
mark with its start time, so the line it replaces can be found above (a terminal cannot rewrite
a line that has scrolled away; the agent page replaces the row in place); it is not counted as
another utterance. At the end: a summary. The server stops with the demo unless ``--keep-serving`` keeps it up
(Ctrl-C).

Without a terminal (CI logs, a pipe) the same finals and warnings are printed as plain lines;
only the transient partial/status area is left out.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import secrets
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from redactor.config import add_engine_arguments
from redactor.policy.catalogue import TYPE_LABELS

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "calls"
# The sample with the most PII and warnings: name, phone, card number, expiry, spoken e-mail
# and postal code; under the default policy (general_support) the card data draws warnings.
DEFAULT_CALL = SAMPLES / "call_card_payment.wav"
SPEAKERS = {"agent": ("エージェント", "bold cyan"), "customer": ("お客様", "bold magenta")}
SEVERITY = {"critical": ("重大", "bold white on red", "red"), "warning": ("注意", "bold black on yellow", "yellow"),
            "info": ("情報", "bold white on blue", "blue")}
# Chip colours by kind of value.
_CHIP_STYLES = {
    "PERSON": "bold black on bright_cyan",
    "PHONE_NUMBER": "bold black on bright_green", "EMAIL_ADDRESS": "bold black on bright_green",
    "JP_ADDRESS": "bold black on bright_green", "JP_POSTAL_CODE": "bold black on bright_green",
    "DATE_OF_BIRTH": "bold black on bright_green",
    "CREDIT_CARD": "bold white on dark_orange3", "CARD_EXPIRY": "bold white on dark_orange3",
    "CARD_SECURITY_CODE": "bold white on red", "JP_MY_NUMBER": "bold white on red",
}
_DEFAULT_CHIP = "bold black on bright_yellow"
TWILIO_MESSAGES_PER_AUDIO_S = 100  # two tracks × 50 frames of 20 ms


def chip_label(entity_type: str) -> str:
    """The Japanese label shown in place of a masked value: ［電話番号］."""
    return f"［{TYPE_LABELS.get(entity_type, entity_type)}］"


def render_text(text: str, entities: list[dict[str, Any]], *, partial: bool = False) -> Text:
    """Masked text with each entity span (indices into ``text``) drawn as a labelled chip."""
    base = "dim italic" if partial else ""
    out = Text(style=base)
    at = 0
    for ent in sorted(entities, key=lambda e: e.get("start", 0)):
        start, end = int(ent.get("start", 0)), int(ent.get("end", 0))
        if start < at or end > len(text) or start >= end:
            continue
        out.append(text[at:start])
        out.append(chip_label(str(ent.get("type"))), style=_CHIP_STYLES.get(str(ent.get("type")), _DEFAULT_CHIP))
        at = end
    out.append(text[at:])
    return out


def speaker_label(channel: str) -> Text:
    name, style = SPEAKERS.get(channel, (channel, "bold"))
    return Text(f"{name:　<6}", style=style)  # full-width padding keeps the columns aligned


def transcript_line(event: dict[str, Any]) -> Text:
    partial = not event.get("final")
    line = Text(f"{float(event.get('start', 0.0)):6.1f}s ", style="dim")
    line.append_text(speaker_label(str(event.get("channel"))))
    if event.get("revision"):
        line.append(" 修正 ", style="bold black on bright_white")  # replaces the line of the same start time
    else:
        line.append(" … " if partial else "   ", style="dim")
    if not event.get("text"):  # a partial holding everything back, or a revision retracting its line
        return line.append("（発話中）" if partial else "（取り消し）", style="dim italic")
    line.append_text(render_text(str(event.get("text", "")), event.get("entities") or [], partial=partial))
    return line


def warning_panel(event: dict[str, Any]) -> Panel:
    label, badge, border = SEVERITY.get(str(event.get("severity")), ("", "bold", "white"))
    body = Text()
    body.append(f" {label} ", style=badge)
    body.append(f" {event.get('message', '')}")
    if event.get("suggestion"):
        body.append("\n提案: ", style="bold")
        body.append(str(event["suggestion"]))
    who = SPEAKERS.get(str(event.get("channel")), ("", ""))[0]
    title = f"警告 {event.get('kind', '')}" + (f" · {who}" if who else "")
    if event.get("time") is not None:
        title += f" · {float(event['time']):.1f}s"
    return Panel(body, title=title, title_align="left", border_style=border, expand=False)


def identity_text(identity: dict[str, Any] | None) -> Text:
    out = Text("本人確認: ", style="bold")
    if not identity:
        return out.append("未開始", style="dim")
    for key, label in (("name_given", "お名前"), ("phone_given", "電話番号")):
        out.append(f"{'✔' if identity.get(key) else '…'} {label}  ",
                   style="green" if identity.get(key) else "dim")
    out.append("確認済み" if identity.get("verified") else "未確認",
               style="bold green" if identity.get("verified") else "bold yellow")
    if identity.get("policy"):
        out.append(f"   ポリシー: {identity['policy']}", style="dim")
    return out


@dataclass
class AgentView:
    """What the agent has seen so far, and the running summary."""

    call_id: str
    speed: float
    started_at: float | None = None  # monotonic time of audio time 0 (from the Twilio client)
    open: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel → latest partial
    finals: collections.Counter = field(default_factory=collections.Counter)  # channel → utterances
    revised: set[str] = field(default_factory=set)  # segment ids with a corrected final
    # Entity types of each segment's latest version: a revision replaces its segment's count.
    masked_by_segment: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    identity: dict[str, Any] | None = None
    partials: int = 0
    notices: int = 0
    arrivals: list[tuple[float, float]] = field(default_factory=list)  # (monotonic arrival, audio end) of finals
    ended: bool = False
    audio_now: float = 0.0

    @property
    def entities(self) -> collections.Counter:
        """Masked values by type, over each segment's latest version."""
        return collections.Counter(t for types in self.masked_by_segment.values() for t in types)

    def final(self, event: dict[str, Any]) -> None:
        """Count a final: a first final is an utterance; a revision replaces its segment's version."""
        segment = str(event.get("segment_id", ""))
        types = [str(e.get("type")) for e in event.get("entities") or []]
        if event.get("revision"):
            self.revised.add(segment)
            self.masked_by_segment[segment] = types
        elif event.get("text"):
            self.finals[str(event.get("channel"))] += 1
            self.masked_by_segment[segment] = types
            self.arrivals.append((time.monotonic(), float(event.get("end", 0.0))))

    def status(self) -> Group:
        lines = [transcript_line(e) for _, e in sorted(self.open.items())]
        bar = Text(f"通話 {self.call_id[:10]}…  {self.audio_now:5.1f}s  ", style="dim")
        bar.append(f"発話 {sum(self.finals.values())}  マスク {sum(self.entities.values())}  "
                   f"警告 {len(self.warnings)}  ", style="dim")
        bar.append_text(identity_text(self.identity))
        return Group(*lines, bar)


async def _agent(ws_url: str, token: str, view: AgentView, console: Console, live: Live | None,
                 ready: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"{ws_url}/agent/{view.call_id}", additional_headers={"Authorization": f"Bearer {token}"},
                       max_size=2**20) as ws:
        ready.set()
        async for raw in ws:
            event = json.loads(raw)
            kind = event.get("type")
            if kind == "transcript":
                channel = str(event.get("channel"))
                if event.get("final"):
                    view.open.pop(channel, None)
                    view.final(event)
                    if event.get("text") or event.get("revision"):
                        console.print(transcript_line(event))
                else:
                    view.partials += 1
                    view.open[channel] = event
            elif kind == "warning":
                view.warnings.append(event)
                console.print(warning_panel(event))
            elif kind == "identity":
                was = (view.identity or {}).get("verified")
                view.identity = event
                if event.get("verified") and not was:
                    console.print(identity_text(event))
            elif kind == "notice":
                view.notices += 1
            elif kind == "call_ended":
                view.ended = True
                view.open.clear()
                console.print(Text(f"── call_ended ({event.get('reason', 'stop')}) ──", style="bold"))
                return
            if live is not None:
                live.update(view.status())


def summary(view: AgentView, audio_s: float) -> Group:
    parts: list[Text] = [Text("まとめ (summary)", style="bold underline")]
    by_speaker = "、".join(f"{SPEAKERS.get(c, (c,))[0]} {n}" for c, n in sorted(view.finals.items()))
    parts.append(Text(f"発話 (utterances): {sum(view.finals.values())}（{by_speaker or '—'}）、"
                      f"修正 (revised): {len(view.revised)}、途中表示 (partials): {view.partials}、"
                      f"通話 {audio_s:.0f}s"))
    masked = Text(f"マスクした値 (entities): {sum(view.entities.values())}  ")
    for entity_type, n in view.entities.most_common():
        masked.append(chip_label(entity_type), style=_CHIP_STYLES.get(entity_type, _DEFAULT_CHIP))
        masked.append(f"×{n} ")
    parts.append(masked)
    kinds = collections.Counter((w.get("severity", ""), w.get("kind", "")) for w in view.warnings)
    warned = Text(f"警告 (warnings): {len(view.warnings)}  ")
    for (severity, kind), n in kinds.most_common():
        warned.append(f"{kind}×{n} ", style=SEVERITY.get(severity, ("", "", "white"))[2])
    parts.append(warned)
    parts.append(identity_text(view.identity))
    latencies = [at - (view.started_at + end / view.speed) for at, end in view.arrivals] \
        if view.started_at is not None else []
    if latencies:
        parts.append(Text(f"発話終了→確定の遅延 (utterance end → final): 中央値 "
                          f"{statistics.median(latencies):.2f}s、最大 {max(latencies):.2f}s"
                          f"（speed {view.speed:g}）", style="dim"))
    return Group(*parts)


def print_page(console: Console, page: str, token: str) -> None:
    """The agent page and a token for it, before the call streams, so the call can be watched live."""
    # soft_wrap: the URL and the token stay on one line each, whatever the width, so they can be copied.
    console.print(Text.assemble(("エージェント画面 (agent page): ", "bold"), (page, "underline")), soft_wrap=True)
    console.print(Text.assemble(("トークン (agent token, 1 h): ", "bold"), token), soft_wrap=True)
    console.print(Text("ブラウザでページを開いてトークンを入力すると、通話をリアルタイムで表示します"
                       "（--speed 1 で実時間）。", style="dim"))


async def _clock(view: AgentView, live: Live) -> None:
    while True:
        await asyncio.sleep(0.25)
        if view.started_at is not None:
            view.audio_now = (time.monotonic() - view.started_at) * view.speed
        live.update(view.status())


async def demo(args: argparse.Namespace, console: Console) -> int:
    from redactor.server.app import ServerOptions, running_server
    from redactor.server.clients import load_call_audio, stream_twilio
    from redactor.stream.session import StreamOptions

    path = Path(args.call) if args.call else DEFAULT_CALL
    if not path.is_file():
        console.print(f"redactor demo: {path}: no such file", style="red")
        return 2
    try:
        audio = load_call_audio(path)
    except ValueError as exc:
        console.print(f"redactor demo: {exc}", style="red")
        return 2
    audio_s = audio.shape[1] / 8000
    twilio_token = secrets.token_hex(16)
    options = ServerOptions(
        host="127.0.0.1", port=args.port, secret=secrets.token_urlsafe(32), twilio_auth_token=twilio_token,
        stream=StreamOptions(partials=not args.no_partials),
        # Twilio sends ~100 messages a second per call at real time; allow the accelerated pace.
        max_messages_per_s=max(400, int(TWILIO_MESSAGES_PER_AUDIO_S * args.speed * 1.5) + 100))
    from redactor.config import ConfigError
    from redactor.engine import build_engine

    with console.status("音声認識と PII エンジンを読み込み中 (loading the speech and PII engines)…"):
        try:
            engine = build_engine(args.config, entities=args.entities, score_threshold=args.score_threshold)
        except (ConfigError, ValueError) as exc:
            console.print(f"redactor demo: configuration error:\n{exc}", style="red")
            return 2
        server_cm = running_server(options, engine=engine)
        server = await server_cm.__aenter__()
    try:
        from redactor.policy.policies import PolicyError

        if args.policy is not None:
            try:
                server.calls.engine.policies.get(args.policy)
            except PolicyError as exc:
                console.print(f"redactor demo: {exc}", style="red")
                return 2
        call_id = "CA" + uuid.uuid4().hex
        view = AgentView(call_id, args.speed)
        console.print(Text.assemble(("redactor demo", "bold"), f"  {path.name} ({audio_s:.0f}s) → ",
                                    (f"{server.ws_url}/twilio", "underline"),
                                    f"  speed {args.speed:g}  policy {args.policy or 'general_support'}  "
                                    f"partials {'off' if args.no_partials else 'on'}"))
        console.print(Text(f"エージェント画面と同じ内容を表示します（マスク済みの値は {chip_label('PHONE_NUMBER')} "
                           "のように種類で表示）", style="dim"))
        page = f"{server.http_url}/#call={call_id}"
        print_page(console, page, server.issue_token(call_id, ttl=3600, subject="demo"))
        live = Live(view.status(), console=console, refresh_per_second=8, transient=True) \
            if console.is_terminal else None
        ready = asyncio.Event()
        with live if live is not None else contextlib.nullcontext():
            agent = asyncio.create_task(_agent(server.ws_url, server.issue_token(call_id, subject="demo"), view,
                                               console, live, ready))
            clock = asyncio.create_task(_clock(view, live)) if live is not None else None
            await asyncio.wait_for(ready.wait(), 30)

            view.started_at = time.monotonic()  # the clock's estimate; exact once the stream returns
            stats = await stream_twilio(server.ws_url + "/twilio", audio[0], audio[1], speed=args.speed,
                                        call_sid=call_id, auth_token=twilio_token, policy=args.policy)
            view.started_at = stats.started_at or view.started_at
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(agent, 60)
            if clock is not None:
                clock.cancel()
        console.print(summary(view, audio_s))
        if args.keep_serving:
            console.print(Text(f"サーバーは稼働中です: ブラウザで {page} を開き、トークンを入力してください。"
                               "Ctrl-C で終了します。", style="green"))
            await asyncio.Event().wait()
        else:
            console.print(Text("注: デモの終了とともにサーバーも停止します。ページを試すには --keep-serving を付けて"
                               "実行してください (the server stops with the demo; use --keep-serving to try the page).",
                               style="dim"))
        if not view.ended:
            console.print("redactor demo: the call did not end cleanly (no call_ended)", style="red")
            return 1
        return 0
    finally:
        await server_cm.__aexit__(None, None, None)


def run(args: argparse.Namespace) -> int:
    if args.speed <= 0:
        print("redactor demo: --speed must be positive", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("faster_whisper", "presidio-analyzer", "websockets", "redactor"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    console = Console(highlight=False)
    try:
        return asyncio.run(demo(args, console))
    except KeyboardInterrupt:
        console.print("\n終了します (stopped).")
        return 130


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="play a sample call through the live server and show the agent's masked view",
        description="Start the live server in this process, play a sample call into it through the Twilio "
                    "adapter and show the agent's masked view live in the terminal.",
        epilog="Example: redactor demo --speed 4   (the default card-payment call in about 25 s)")
    parser.add_argument("call", nargs="?", metavar="CALL.wav",
                        help=f"stereo call, channel 0 agent, channel 1 customer (default: {DEFAULT_CALL.name})")
    parser.add_argument("--speed", type=float, default=1.0, help="1 = real time (default); 4 = four times faster")
    parser.add_argument("--policy", default=None,
                        help="the call's purpose policy (default general_support; e.g. billing for the card call)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-partials", action="store_true", help="finals only")
    add_engine_arguments(parser)
    parser.add_argument("--keep-serving", action="store_true",
                        help="keep the server up after the call, to open the agent page (Ctrl-C ends)")
    parser.set_defaults(func=run)
