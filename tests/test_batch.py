"""``redactor batch`` end to end on the short sample call (real model, real audio)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from gold import flat, gold

from redactor.audio.decode import decode_file
from redactor.batch.command import build_options, execute
from redactor.batch.pipeline import BatchOptions
from redactor.batch.report import REPORT_NAME
from redactor.batch.runner import RunConfig, run_batch
from redactor.cli import build_parser

CALLS = Path(__file__).resolve().parents[1] / "samples" / "calls"
SHORT = CALLS / "short_call.wav"
GOLD = gold("short_call")
OPTIONS = BatchOptions(formats=("json", "srt", "vtt", "wav"))
CONFIG = RunConfig(engine="local", workers=2, threads=1)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    broken = tmp_path_factory.mktemp("in") / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    src = decode_file(SHORT)  # the customer side alone, as a mono 16-kHz FLAC
    import av

    mono = broken.with_name("mono_customer.flac")
    with av.open(str(mono), "w") as container:
        stream = container.add_stream("flac", rate=src.sample_rate, layout="mono")
        pcm = (src.samples[1:2] * 32768).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = src.sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    # Through the command (as `redactor batch` runs it): the summary and report.md included.
    args = build_parser().parse_args([
        "batch", str(SHORT), str(broken), str(mono), "--out", str(out), "--format", "json,srt,vtt,wav",
        "--engine", CONFIG.engine, "--workers", str(CONFIG.workers), "--threads", str(CONFIG.threads),
        "--no-progress",
    ])
    assert build_options(args) == OPTIONS
    status, outcomes = execute(args)
    assert status == 1  # one input failed
    return out, outcomes


def test_broken_file_fails_alone(batch) -> None:
    out, outcomes = batch
    good, bad, _mono = outcomes
    assert good.ok and good.error is None
    assert not bad.ok and "broken.wav" in bad.error
    assert not list(out.glob("broken*"))
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_json_schema(batch) -> None:
    out, _ = batch
    doc = json.loads((out / "short_call.json").read_text(encoding="utf-8"))
    assert set(doc) == {"source", "duration", "segments", "warnings", "settings"}  # 2nd round: settings
    assert doc["source"] == "short_call.wav" and doc["warnings"] == []
    assert abs(doc["duration"] - GOLD["duration"]) < 0.01
    assert doc["segments"], "the short call has speech"
    starts = [s["start"] for s in doc["segments"]]
    assert starts == sorted(starts)
    for seg in doc["segments"]:
        assert set(seg) == {"channel", "start", "end", "text", "entities"}
        assert seg["channel"] in ("agent", "customer")
        assert 0 <= seg["start"] <= seg["end"] <= doc["duration"]
        for ent in seg["entities"]:
            assert set(ent) == {"type", "start", "end", "audio_start", "audio_end"}
            assert seg["text"][ent["start"] : ent["end"]] == f"<{ent['type']}>"
            assert 0 <= ent["audio_start"] < ent["audio_end"] <= doc["duration"]
    assert (out / "short_call.srt").read_text(encoding="utf-8").startswith("1\n")
    assert (out / "short_call.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert not (out / "short_call.unmasked.json").exists()


def test_no_gold_pii_value_in_masked_text(batch) -> None:
    out, _ = batch
    for path in ("short_call.json", "short_call.srt", "short_call.vtt"):
        text = flat((out / path).read_text(encoding="utf-8"))
        for item in GOLD["pii"]:
            for leak in item["leaks"]:
                assert flat(leak) not in text, f"{item['type']} visible in {path}"
        # A misrecognised number is still a number: no long digit run may survive either.
        assert not re.search(r"\d{7,}", text), f"a long digit run is visible in {path}"


def test_redacted_audio(batch) -> None:
    out, _ = batch
    doc = json.loads((out / "short_call.json").read_text(encoding="utf-8"))
    src, red = decode_file(SHORT), decode_file(out / "short_call.redacted.wav")
    assert red.channels == src.channels and red.sample_rate == src.sample_rate
    assert red.samples.shape == src.samples.shape
    rate = src.sample_rate
    entities = [(s["channel"], e) for s in doc["segments"] for e in s["entities"]]
    assert entities, "the short call's name must be found"
    mask = np.zeros(src.samples.shape, dtype=bool)
    for channel, e in entities:
        ch = 0 if channel == "agent" else 1
        i, j = int(np.floor(e["audio_start"] * rate)), int(np.ceil(e["audio_end"] * rate))
        mask[ch, i:j] = True
        seg = red.samples[ch, i:j]
        spectrum = np.abs(np.fft.rfft(seg))
        peak = np.fft.rfftfreq(seg.size, 1 / rate)[np.argmax(spectrum)]
        assert abs(peak - 1000) < 10 and np.sqrt(np.mean(seg**2)) > 0.1  # the tone
    assert np.array_equal(red.samples[~mask], src.samples[~mask])  # nothing else changed
    for ch in range(2):  # and the speech outside the spans is still there
        outside = red.samples[ch][~mask[ch]]
        assert np.sqrt(np.mean(outside**2)) > 0.01


def test_ray_engine_gives_the_same_json(batch, tmp_path) -> None:
    out, _ = batch
    progress: list[float] = []
    outcomes = run_batch(
        [SHORT], tmp_path, BatchOptions(formats=("json",)),
        RunConfig(engine="ray", workers=2, threads=1), on_progress=progress.append,
    )
    assert outcomes[0].ok
    # Progress came back from the actor per decoded window, not once per file.
    assert len(progress) >= 3 and abs(sum(progress) - outcomes[0].duration) < 1e-6
    local = json.loads((out / "short_call.json").read_text(encoding="utf-8"))
    remote = json.loads((tmp_path / "short_call.json").read_text(encoding="utf-8"))
    assert remote == local


def test_mono_input(batch) -> None:
    out, outcomes = batch
    assert outcomes[2].ok and outcomes[2].channels == 1
    doc = json.loads((out / "mono_customer.json").read_text(encoding="utf-8"))
    assert doc["segments"] and {s["channel"] for s in doc["segments"]} == {"mixed"}
    red = decode_file(out / "mono_customer.redacted.wav")
    assert red.channels == 1 and red.sample_rate == 8000
    assert abs(red.duration - GOLD["duration"]) < 0.01


def test_report(batch) -> None:
    out, outcomes = batch
    report = (out / REPORT_NAME).read_text(encoding="utf-8")
    good, bad, mono = outcomes
    assert good.ok and mono.ok and not bad.ok
    assert report.startswith("# redactor batch QA")
    assert "2 件成功 (ok), 1 件失敗 (failed)" in report
    failed = report.split("## 失敗した入力")[1]
    assert "broken.wav" in failed and bad.error in failed  # the failed input, with its error
    assert "short_call.wav" not in failed and "mono_customer.flac" not in failed
    # Entities by type: one row per call that succeeded, the counts of its JSON, and the totals.
    section = report.split("## 種類別エンティティ")[1].split("\n## ")[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("|")]
    header, body = rows[0], rows[2:]
    types = header[1:-1]
    totals: dict[str, int] = {}
    for source in ("short_call", "mono_customer"):
        doc = json.loads((out / f"{source}.json").read_text(encoding="utf-8"))
        counts: dict[str, int] = {}
        for seg in doc["segments"]:
            for ent in seg["entities"]:
                counts[ent["type"]] = counts.get(ent["type"], 0) + 1
                totals[ent["type"]] = totals.get(ent["type"], 0) + 1
        (row,) = [r for r in body if r[0] == doc["source"]]
        assert dict(zip(types, map(int, row[1:-1]), strict=True)) == {t: counts.get(t, 0) for t in types}
        assert int(row[-1]) == sum(counts.values())
    assert totals and sorted(totals) == types
    (total_row,) = [r for r in body if "合計" in r[0]]
    assert [int(c) for c in total_row[1:]] == [totals[t] for t in types] + [sum(totals.values())]
    assert not any("broken" in r[0] for r in body)
    assert "## 警告 (warnings)" in report  # the short calls raise none (see test_json_schema)
    assert not re.search(r"\d{7,}", report), "a long digit run is visible in the report"


def test_a_short_piece_joined_to_the_next_is_dated_where_that_piece_begins() -> None:
    """Whisper dates a sentence's first word too early (or, in window mode, into the packed VAD
    chunk before it): the piece it makes alone is joined to the next one and must not drag the
    utterance's start back over the pause (other speakers' turns may lie in it)."""
    from redactor.asr.engine import Word, _split_at_pauses

    words = [Word("はい", 25.8, 26.3, 0.9), Word("4111", 34.3, 35.0, 0.9), Word("です", 35.0, 35.4, 0.9)]
    groups = _split_at_pauses(words, gap=1.2)
    assert [[w.text for w in g] for g in groups] == [["はい", "4111", "です"]]
    assert groups[0][0].start == pytest.approx(33.8) and groups[0][0].end == pytest.approx(34.3)
    # Within the allowed gap nothing moves; a short piece at the end still joins the previous one.
    near = _split_at_pauses([Word("昭", 1.0, 1.2, 0.9), Word("和58年です", 1.9, 3.0, 0.9), Word("ね", 9.0, 9.2, 0.9)],
                            gap=1.2)
    assert [(w.text, w.start) for g in near for w in g] == [("昭", 1.0), ("和58年です", 1.9), ("ね", 9.0)]


def test_a_word_cut_off_its_rest_by_a_pause_moves_after_the_pause() -> None:
    """Window mode dates the first word of a packed VAD chunk into the chunk before it: 「あり」 of
    ありがとう came out 4 s before 「がとう」 on the address call, at the end of the previous
    utterance. A pause inside one morpheme (SudachiPy's shortest units) cannot have been said:
    the head is dated to end where the rest begins; a pause between two words moves nothing,
    however short the word before it (a real end: 「です」, 「ますか」, 「を」)."""
    from redactor.asr.engine import Word, _split_at_pauses

    words = [Word("できますか", 75.0, 78.7, 0.9), Word("あり", 78.73, 79.43, 0.2),
             Word("がとう", 83.42, 83.68, 0.9), Word("ございます", 83.68, 84.22, 0.9)]
    groups = _split_at_pauses(words, gap=1.2)
    assert ["".join(w.text for w in g) for g in groups] == ["できますか", "ありがとうございます"]
    head = groups[1][0]
    assert head.end == pytest.approx(83.42) and head.start == pytest.approx(82.72)
    assert head.times()[1] == pytest.approx((78.73, 79.43))  # the decoder's date is kept (revision masks)
    # 大|丈夫, and a digit run cut by the junction.
    cut = _split_at_pauses([Word("番号は1です", 40.0, 41.0, 0.9), Word("大", 41.1, 41.9, 0.2),
                            Word("丈夫", 46.0, 46.3, 0.9), Word("です", 46.3, 46.6, 0.9)], gap=1.2)
    assert ["".join(w.text for w in g) for g in cut] == ["番号は1です", "大丈夫です"]
    digits = _split_at_pauses([Word("カード番号は", 20.0, 21.4, 0.9), Word("4", 25.7, 26.5, 0.1),
                               Word("1011", 34.7, 35.3, 0.9), Word("です", 35.3, 35.6, 0.9)], gap=1.2)
    assert ["".join(w.text for w in g) for g in digits] == ["カード番号は", "41011です"]
    assert digits[1][0].end == pytest.approx(34.7)
    # Between morphemes nothing moves: a sentence's end before the pause stays where it was said.
    for before, after in (("です", "よかった"), ("ますか", "見たい"), ("を", "お願い")):
        kept = _split_at_pauses([Word("お名前", 1.0, 1.6, 0.9), Word(before, 1.6, 2.0, 0.9),
                                 Word(after, 6.0, 6.8, 0.9), Word("ですね", 6.8, 7.4, 0.9)], gap=1.2)
        assert [(w.text, w.start) for g in kept for w in g][:2] == [("お名前", 1.0), (before, 1.6)], before


def test_batch_reads_the_card_number_as_the_answer_to_the_agents_request() -> None:
    """The card call's script raises ``unneeded_pii`` for the card number the agent asked for
    (general_support needs none). Batch's decode dated the answer's first word 「はい」 8 s early,
    into the customer's previous VAD chunk, so the answer came before the request in the call's
    turn order and its number was read as a bare digit run: no ``unneeded_pii`` (issue #12)."""
    from redactor.batch.pipeline import transcribe_call

    result = transcribe_call(CALLS / "call_card_payment.wav", "call_card_payment.wav", BatchOptions())
    script = gold("call_card_payment")
    asked = next(x for x in script["script"] if "カード番号" in x["text"] and x["channel"] == "agent")
    card = next(p for p in script["pii"] if p["type"] == "CREDIT_CARD")
    customer = [s for s in result.segments if s.channel == "customer"]
    k, answer = next((k, s) for k, s in enumerate(customer, 1)
                     if s.start <= card["audio_end"] and s.end >= card["audio_start"])
    assert answer.start > asked["start"]
    assert "CREDIT_CARD" in {e.type for e in answer.entities}
    assert any(w["kind"] == "unneeded_pii" and w["segment_id"] == f"customer-{k}" for w in result.warnings)


def test_sigterm_mid_file_leaves_no_output_and_a_rerun_completes(tmp_path) -> None:
    """user18: SIGTERM left a hidden .tmp WAV beside a JSON whose WAV was never written, printed
    nothing, and a rerun refused the file as existing. Now SIGTERM unwinds like Ctrl-C (exit 130, a
    message), the file in progress leaves nothing, and a rerun (no --overwrite) writes the whole set."""
    import signal
    import subprocess
    import sys
    import time

    src = CALLS / "call_card_payment.wav"  # 92 s: still transcribing when the signal comes
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", "import sys; from redactor.cli import main; sys.exit(main())", "batch", str(src),
           "--out", str(out), "--format", "json,wav", "--no-progress", "--engine", "local", "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(6.0)  # the model loaded, the file under way
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-500:]
    assert "interrupted" in stderr
    assert not list(out.glob(".*.tmp")) and not list(out.glob("*.json")), sorted(p.name for p in out.iterdir())
    rerun = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-500:]
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} >= {
        "call_card_payment.json", "call_card_payment.redacted.wav"}
