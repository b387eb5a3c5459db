"""The agent screen in a real browser against a real server while a sample call streams in.

Headless Debian chromium (``/usr/bin/chromium``, installed by the ``make test`` bootstrap) is
driven by Playwright for Python.  ``redactor serve`` runs as a subprocess; a sample call is
streamed through the Twilio Media Streams adapter; the page must show the masked transcript,
warnings and the end of the call, and no gold PII value may ever be in the DOM: a
MutationObserver records the page's text and attribute values after every mutation and each
snapshot is checked against the gold list.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from redactor.pii.catalogue import ENTITY_TYPES
from redactor.policy.catalogue import TYPE_LABELS

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "redactor" / "web"
CALLS = ROOT / "samples" / "calls"
SAMPLE = "call_card_payment"  # 92 s; card number and expiry are unneeded in general_support → warnings
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOOTSTRAP_HINT = ("run the test bootstrap (`make test` on a fresh machine, or as root: "
                  "`apt-get install -y chromium fonts-noto-cjk` and `.venv/bin/pip install -e '.[dev]'`)")
SPEED = 4.0
SERVER_START_S = 180.0
CALL_TIMEOUT_S = 600.0

# Recorded in the page before any script of its own runs: the visible text plus every attribute
# value, after each batch of mutations (consecutive duplicates skipped).
RECORDER = """
(() => {
  window.__snapshots = [];
  let last = '';
  const record = () => {
    const root = document.documentElement;
    if (!root) return;
    const parts = [document.title, document.body ? document.body.innerText : '', root.textContent];
    for (const node of root.querySelectorAll('*')) {
      for (const attr of node.attributes) parts.push(attr.value);
    }
    const snap = parts.join('\\n');
    if (snap !== last) { window.__snapshots.push(snap); last = snap; }
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  document.addEventListener('DOMContentLoaded', record);
})();
"""


# ---- fast static checks (no browser) ---------------------------------------------------------


def _js_labels() -> dict[str, str]:
    js = (WEB / "app.js").read_text(encoding="utf-8")
    block = re.search(r"const TYPE_LABELS = \{(.*?)\};", js, re.S)
    assert block, "TYPE_LABELS table not found in app.js"
    return dict(re.findall(r"([A-Z_]+):\s*'([^']*)'", block.group(1)))


def test_page_labels_match_catalogue() -> None:
    labels = _js_labels()
    assert labels == {t: TYPE_LABELS[t] for t in labels}
    assert set(ENTITY_TYPES) <= set(labels)


def test_page_is_self_contained_and_never_uses_innerhtml() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    js = (WEB / "app.js").read_text(encoding="utf-8")
    css = (WEB / "app.css").read_text(encoding="utf-8")
    for text in (html, js, css):
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), "external URL in the agent page"
        assert "@import" not in text and "@font-face" not in text
    assert 'src="/static/app.js"' in html and 'href="/static/app.css"' in html
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js, f"{sink} in app.js: event data must go through textContent"
    # The token travels as a websocket subprotocol, never in a URL.
    assert "'bearer.'" in js or "`bearer.${" in js
    assert not re.search(r"[?&]token=", js)


# ---- the real thing --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redactor_cmd() -> list[str]:
    script = Path(sys.executable).with_name("redactor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "redactor.cli"]


def _healthz(base: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as res:
            return res.status
    except (urllib.error.URLError, OSError):
        return None


class Server:
    def __init__(self, port: int, env: dict[str, str], proc: subprocess.Popen[bytes], log: Path) -> None:
        self.port, self.env, self.proc, self.log = port, env, proc, log
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"

    def token(self, call_id: str) -> str:
        out = subprocess.run([*_redactor_cmd(), "token", "--call", call_id], env=self.env,
                             capture_output=True, text=True, timeout=60, check=True)
        return out.stdout.strip()

    def log_tail(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(line for line in lines if "presidio" not in line)[-4000:]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "REDACTOR_SECRET": secrets.token_urlsafe(32),
           "TWILIO_AUTH_TOKEN": secrets.token_hex(16)}
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*_redactor_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    srv = Server(port, env, proc, log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while _healthz(srv.http) != 200:
            if proc.poll() is not None:
                pytest.fail(f"redactor serve exited with {proc.returncode}:\n{srv.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"redactor serve: /healthz not 200 after {SERVER_START_S:.0f} s:\n{srv.log_tail()}")
            time.sleep(0.25)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {BOOTSTRAP_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"Playwright for Python is not installed: {BOOTSTRAP_HINT}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _read_call(name: str) -> tuple[np.ndarray, np.ndarray, int]:
    with wave.open(str(CALLS / f"{name}.wav"), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 2
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)
    return np.ascontiguousarray(pcm[:, 0]), np.ascontiguousarray(pcm[:, 1]), rate


_SEPARATORS = re.compile(r"(?<=\d)[ \-‐‑–—―−ー、,.・]+(?=\d)")


def _normal(text: str) -> str:
    """NFKC (full-width → ASCII), case-folded, separators inside digit runs removed (090-1234 → 0901234)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub("", text)


def _gold_needles(name: str) -> list[tuple[str, str]]:
    """(type, string) pairs that must never appear: the gold value and its leak strings, with digit
    runs compared without separators (so 03-5412-6789 and ０３５４１２６７８９ count as 0354126789)."""
    gold = json.loads((CALLS / f"{name}.gold.json").read_text(encoding="utf-8"))
    needles: set[tuple[str, str]] = set()
    for item in gold["pii"]:
        for s in [item["value"], *item.get("leaks", [])]:
            needles.add((item["type"], _normal(s)))
            digits = _normal(s).replace("/", "").replace("@", "")
            if digits.isdigit() and len(digits) >= 7:  # phone, card, postal code: any written form
                needles.add((item["type"], digits))
    return sorted(needles)


def _stream(server: Server, call_id: str, errors: list[BaseException]) -> None:
    from redactor.server.clients import stream_twilio

    agent, customer, rate = _read_call(SAMPLE)
    try:
        asyncio.run(stream_twilio(f"{server.ws}/twilio", agent, customer, sample_rate=rate, speed=SPEED,
                                  call_sid=call_id, auth_token=server.env["TWILIO_AUTH_TOKEN"]))
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


@pytest.mark.slow
def test_agent_screen_live_call(server: Server, browser, tmp_path: Path) -> None:
    call_id = "CA" + secrets.token_hex(16)
    token = server.token(call_id)
    assert token and "\n" not in token

    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="ja-JP")
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.add_init_script(RECORDER)
    page.goto(f"{server.http}/#call={call_id}")

    # The call id comes from the fragment; the token is typed, never put in the URL.
    assert page.input_value("#call-id") == call_id
    page.fill("#token", token)
    page.click("#connect-btn")
    # (selectors, not wait_for_function: the page's CSP forbids the eval that needs)
    page.wait_for_selector("body[data-connection=connected], body[data-connection=reconnecting]",
                           timeout=30_000)
    assert token not in page.url

    errors: list[BaseException] = []
    streamer = threading.Thread(target=_stream, args=(server, call_id, errors), daemon=True)
    streamer.start()
    try:
        page.wait_for_selector(".warn", timeout=CALL_TIMEOUT_S * 1000)
        page.screenshot(path=str(tmp_path / "agent_screen_live.png"))
        page.wait_for_selector("body[data-connection=ended]", timeout=CALL_TIMEOUT_S * 1000)
    except Exception as exc:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(tmp_path / "agent_screen_failure.png"))
        raise AssertionError(f"the call did not reach the page ({exc}); stream errors {errors!r}; "
                             f"server log:\n{server.log_tail()}") from exc
    finally:
        streamer.join(timeout=CALL_TIMEOUT_S)
    assert not errors, f"streaming the call failed: {errors[0]!r}"

    shot = tmp_path / "agent_screen.png"
    page.screenshot(path=str(shot))
    page.eval_on_selector("#transcript", "t => { t.scrollTop = 0; }")
    page.screenshot(path=str(tmp_path / "agent_screen_start.png"))
    print(f"agent screen screenshots: {shot} (end), {tmp_path / 'agent_screen_start.png'} (start of call)")

    assert "通話終了" in page.inner_text("#conn-state")
    for channel in ("agent", "customer"):
        assert page.locator(f".utt.{channel}:not(.partial)").count() >= 1, f"no final from the {channel}"
    assert page.locator(".warn").count() >= 1
    assert page.locator(".chip").count() >= 1, "no masked value shown as a chip"
    assert page_errors == []

    snapshots: list[str] = page.evaluate("window.__snapshots")
    snapshots.append(page.content())
    assert len(snapshots) > 10, "the mutation recorder saw almost nothing"
    for i, snap in enumerate(snapshots):
        normal = _normal(snap)
        for entity_type, needle in _gold_needles(SAMPLE):
            assert needle not in normal, f"gold {entity_type} visible in DOM snapshot {i}"
    page.close()


@pytest.mark.slow
def test_agent_screen_bad_token_stops_with_auth_error(server: Server, browser) -> None:
    call_id = "CA" + secrets.token_hex(16)
    other = server.token("CA" + secrets.token_hex(16))  # valid, but for another call
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{server.http}/#call={call_id}")
    for token in ("not-a-token", other):
        page.fill("#token", token)
        page.click("#connect-btn")
        page.wait_for_selector("body[data-connection=auth]", timeout=30_000)
        assert "認証エラー" in page.inner_text("#conn-state")
        time.sleep(2.0)  # no reconnect loop
        assert page.evaluate("document.body.dataset.connection") == "auth"
    page.close()

