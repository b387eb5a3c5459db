"""``redactor batch`` outputs people use (#9) and its memory (#11).

Subtitles parsed by real parsers (webvtt-py, srt), output names that cannot collide, existing
outputs refused without ``--overwrite``, folder and glob inputs, progress per chunk of audio,
the JSON's ``settings``, a truncated WAV reported, and decoding one channel at a time.
Real audio (samples/calls), the real speech model and the real PII engine.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import wave
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt

from redactor.audio.bleep import bleep
from redactor.audio.decode import decode_channel, decode_file, probe_file
from redactor.audio.resample import to_16k
from redactor.audio.wav import write_wav
from redactor.batch.command import execute
from redactor.batch.pipeline import BatchOptions, CallResult, EntitySpan, Segment
from redactor.batch.report import render_report, summarize, write_report
from redactor.batch.runner import FileOutcome, RunConfig, expand_inputs, run_batch
from redactor.batch.writers import output_names, redacted_blocks, write_call
from redactor.cli import build_parser
from redactor.policy.catalogue import TYPE_LABELS

CALLS = Path(__file__).resolve().parents[1] / "samples" / "calls"
SHORT = CALLS / "short_call.wav"
SETTINGS_KEYS = {"model", "policy", "entities", "operators", "audio_redaction", "version"}


# ------------------------------------------------------------------ fast checks (no model)


def _call(*segments: tuple[str, str, list[tuple[str, int, int]]]) -> CallResult:
    segs = [
        Segment(channel, 1.0 + i, 2.0 + i, text,
                [EntitySpan(t, a, b, 1.0 + i, 1.5 + i) for t, a, b in ents])
        for i, (channel, text, ents) in enumerate(segments)
    ]
    return CallResult("x.wav", 10.0, segs, [], 2)


def test_subtitles_show_labels_and_survive_real_parsers(tmp_path) -> None:
    text1 = "はい、<PERSON>です。電話番号は<PHONE_NUMBER>です。"
    text2 = "カードは****-****-****-1111、番号<PHONE_NUMBER:ab12cd>で a<b & c>d"

    def at(text: str, value: str) -> tuple[int, int]:
        return text.index(value), text.index(value) + len(value)

    call = _call(
        ("customer", text1, [("PERSON", *at(text1, "<PERSON>")), ("PHONE_NUMBER", *at(text1, "<PHONE_NUMBER>"))]),
        ("customer", text2, [("CREDIT_CARD", *at(text2, "****-****-****-1111")),
                             ("PHONE_NUMBER", *at(text2, "<PHONE_NUMBER:ab12cd>"))]),
        ("agent <x>", "<DIGITS>", [("DIGITS", 0, 8)]),
    )
    options = BatchOptions(formats=("srt", "vtt"))
    write_call(tmp_path, "x", call, SHORT, options, 0)

    vtt = webvtt.read(str(tmp_path / "x.vtt")).captions
    subs = list(srt.parse((tmp_path / "x.srt").read_text(encoding="utf-8")))
    assert len(vtt) == len(subs) == 3
    first = "はい、［お名前］です。電話番号は［電話番号］です。"
    assert vtt[0].text == first and vtt[0].voice == "customer"
    assert subs[0].content == f"[customer] {first}"
    # What other operators wrote stays visible: escaped in VTT, full-width brackets in SRT.
    assert "****-****-****-1111" in vtt[1].raw_text and "&lt;PHONE_NUMBER:ab12cd&gt;" in vtt[1].raw_text
    assert "a&lt;b &amp; c&gt;d" in vtt[1].raw_text
    assert "＜PHONE_NUMBER:ab12cd＞" in subs[1].content and "a＜b & c＞d" in subs[1].content
    assert vtt[2].text == f"［{TYPE_LABELS['DIGITS']}］"
    assert "<" not in subs[2].content  # the channel name is no tag either
    for path in ("x.srt", "x.vtt"):
        body = (tmp_path / path).read_text(encoding="utf-8")
        assert "<PERSON>" not in body and "<PHONE_NUMBER" not in body


def test_a_set_interrupted_between_formats_leaves_nothing(tmp_path) -> None:
    """review17: a failure after the first formats were written (SIGTERM, a full disk) left them, and
    a rerun refused the file as existing.  A .vtt that cannot be written (a folder stands at its path)
    fails the set: the .srt written before it is removed, and nothing else is left."""
    text = "はい、<PERSON>です。"
    call = _call(("customer", text, [("PERSON", 3, 11)]))
    (tmp_path / "x.vtt").mkdir()
    options = BatchOptions(formats=("srt", "vtt", "json"), overwrite=True)
    with pytest.raises(OSError):
        write_call(tmp_path, "x", call, SHORT, options, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.vtt"]
    assert not list(tmp_path.glob("x.vtt/*"))


def test_output_names_never_collide() -> None:
    names = output_names([Path("x/a.mp3"), Path("x/a.wav"), Path("x/b.wav"), Path("y/b.wav"),
                          Path("y/c.wav"), Path("z/b.wav-2.flac")])
    assert names == ["a.mp3", "a.wav", "b.wav", "b.wav-3", "c", "b.wav-2"]
    assert len(set(names)) == len(names)
    assert output_names([Path("calls/one.wav"), Path("calls/two.flac")]) == ["one", "two"]


def test_inputs_expanded_or_refused(tmp_path) -> None:
    (tmp_path / "calls").mkdir()
    for name in ("b.wav", "a.flac", ".hidden.wav", "notes.txt"):
        (tmp_path / "calls" / name).write_bytes(b"")
    (tmp_path / "empty").mkdir()
    got = expand_inputs([tmp_path / "calls", tmp_path / "calls" / "a.flac", tmp_path / "empty",
                         tmp_path / "calls" / "*.wav", tmp_path / "none*.wav", tmp_path / "missing.wav"])
    assert [(p.name, e is None) for p, e in got] == [
        ("a.flac", True), ("b.wav", True), ("empty", False), ("none*.wav", False), ("missing.wav", False),
    ]  # sorted, each file once, hidden and non-audio files left out
    errors = [e for _, e in got if e]
    assert "no audio files" in errors[0] and "no file matches" in errors[1] and "no such file" in errors[2]


def test_report_lists_every_entity_type_and_decode_warning() -> None:
    a = FileOutcome(Path("a.wav"), ok=True, duration=60, entities=Counter({"PERSON": 2}))
    b = FileOutcome(Path("b.wav"), ok=True, duration=60, entities=Counter({"JP_MY_NUMBER": 1, "DIGITS": 3}),
                    decode_warnings=[{"kind": "truncated_audio", "message": "truncated: the file ends at 8.44 s"}])
    c = FileOutcome(Path("c.wav"), error="c.wav: cannot decode audio (InvalidDataError)")
    report = render_report([a, b, c], summarize([a, b, c], 10.0))
    table = report.split("## 種類別エンティティ")[1].split("\n## ")[0]
    header = [h.strip() for h in table.strip().splitlines()[2].strip("|").split("|")]
    assert header[1:-1] == ["DIGITS", "JP_MY_NUMBER", "PERSON"]
    decode = report.split("## 音声の問題")[1].split("\n## ")[0]
    assert "b.wav" in decode and "truncated_audio" in decode and "a.wav" not in decode


def _long_stereo(path: Path, seconds: float, rate: int = 8000) -> np.ndarray:
    """A long stereo WAV made of the short sample call, repeated (float32 source returned)."""
    src = decode_file(SHORT).samples
    reps = int(np.ceil(seconds * rate / src.shape[1]))
    x = np.tile(src, reps)[:, : int(seconds * rate)]
    write_wav(path, x, rate)
    return decode_file(path).samples


def test_one_channel_decoded_straight_to_16k_without_copies(tmp_path) -> None:
    path = tmp_path / "long.wav"
    full = _long_stereo(path, 600.0)  # 10 min stereo 8 kHz
    expected = to_16k(full[1], 8000)
    del full
    tracemalloc.start()
    try:
        got, frames = decode_channel(path, 1, 16000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert frames == 600 * 8000 and got.dtype == np.float32
    assert np.array_equal(got, expected)  # bit-identical to resampling the whole channel
    # The one 16-kHz channel (38 MB) and small blocks: no stereo or source-rate copy.
    assert peak < got.nbytes * 1.1, f"peak {peak / 1e6:.0f} MB for a {got.nbytes / 1e6:.0f} MB channel"
    from_bytes, _ = decode_channel(path.read_bytes(), 1, 16000, name="long.wav")
    assert np.array_equal(from_bytes, expected)


def test_redacted_wav_streams_the_same_samples(tmp_path) -> None:
    path = tmp_path / "long.wav"
    full = _long_stereo(path, 120.0)
    call = _call(("agent", "<PERSON>", [("PERSON", 0, 8)]), ("customer", "<PERSON>", [("PERSON", 0, 8)]))
    call.segments[0].entities[0].audio_start, call.segments[0].entities[0].audio_end = 3.3, 7.25
    call.segments[1].entities[0].audio_start, call.segments[1].entities[0].audio_end = 100.0, 120.0
    frames = full.shape[1]
    rate, channels, blocks = redacted_blocks(path, "long.wav", call, BatchOptions(), frames)
    got = np.concatenate(list(blocks), axis=1)
    want = np.stack([bleep(full[0], rate, [(3.3, 7.25)]), bleep(full[1], rate, [(100.0, 120.0)])])
    assert channels == 2 and got.shape == want.shape
    assert np.array_equal(got, want)


def test_truncated_wav_is_flagged(tmp_path) -> None:
    data = SHORT.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    info = probe_file(cut)
    (warning,) = info.warnings
    assert warning["kind"] == "truncated_audio" and "truncated" in warning["message"]
    assert abs(warning["declared_duration"] - 16.921) < 0.01
    assert abs(warning["decoded_duration"] - info.duration) < 0.01 and info.duration < 9
    assert probe_file(SHORT).warnings == []
    assert probe_file(io.BytesIO(data).getvalue(), name="x.wav").warnings == []
    with wave.open(str(SHORT)) as w:
        assert info.channels == w.getnchannels()


# ------------------------------------------------------------------ end to end (real model)


def _args(*argv: str):
    return build_parser().parse_args(["batch", *argv, "--no-progress"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three runs into one folder: a first one (folder with a.wav + a.flac, a truncated
    WAV, an unmatched glob, a missing file), the same again plus a new file (refused /
    written), then the new file with --overwrite."""
    import av

    base = tmp_path_factory.mktemp("outputs")
    calls, out = base / "calls", base / "out"
    calls.mkdir()
    (calls / "a.wav").write_bytes(SHORT.read_bytes())
    src = decode_file(SHORT)
    with av.open(str(calls / "a.flac"), "w") as container:  # the same call as FLAC
        stream = container.add_stream("flac", rate=src.sample_rate, layout="stereo")
        pcm = np.round(src.samples.T.reshape(1, -1) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = src.sample_rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    data = SHORT.read_bytes()
    cut = base / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])  # a WAV cut in half

    progress: list[float] = []
    outcomes1 = run_batch(
        [calls, base / "nothing*.wav", base / "missing.wav"], out,
        BatchOptions(formats=("json", "srt", "vtt", "wav")), RunConfig(workers=2, threads=1),
        on_progress=progress.append,
    )
    write_report(out, outcomes1, summarize(outcomes1, 1.0))  # as `redactor batch` ends
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    status2, outcomes2 = execute(_args(str(calls), str(cut), "--out", str(out), "--workers", "1",
                                       "--threads", "1"))
    second = {p.name: p.read_bytes() for p in out.iterdir()}
    status3, outcomes3 = execute(_args(str(cut), "--out", str(out), "--overwrite", "--workers", "1",
                                       "--threads", "1", "--policy", "billing"))
    return {"out": out, "outcomes1": outcomes1, "progress": progress, "first": first,
            "status2": status2, "outcomes2": outcomes2, "second": second,
            "status3": status3, "outcomes3": outcomes3}


def test_colliding_stems_both_survive(runs) -> None:
    out, outcomes = runs["out"], runs["outcomes1"]
    assert [o.source.name for o in outcomes] == ["a.flac", "a.wav", "nothing*.wav", "missing.wav"]
    assert outcomes[0].ok and outcomes[1].ok
    for name in ("a.flac", "a.wav"):
        doc = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert doc["source"] == name
        assert (out / f"{name}.redacted.wav").exists() and (out / f"{name}.vtt").exists()
    assert not (out / "a.json").exists()


def test_missing_inputs_fail_alone(runs) -> None:
    outcomes = runs["outcomes1"]
    assert "no file matches" in outcomes[2].error and "no such file" in outcomes[3].error
    assert not any(name.startswith(("nothing", "missing")) for name in runs["first"])


def test_progress_per_chunk_of_audio(runs) -> None:
    progress, outcomes = runs["progress"], runs["outcomes1"]
    total = sum(o.duration for o in outcomes if o.ok)
    assert all(p > 0 for p in progress)
    assert abs(sum(progress) - total) < 1e-6
    # Several steps per file (per decoded window of each channel), not one per file.
    assert len(progress) >= 3 * len([o for o in outcomes if o.ok])
    assert max(progress) < min(o.duration for o in outcomes if o.ok) / 2


def test_existing_outputs_refused_without_overwrite(runs) -> None:
    status, outcomes, first, second = runs["status2"], runs["outcomes2"], runs["first"], runs["second"]
    assert status == 1
    by_name = {o.source.name: o for o in outcomes}
    for name in ("a.flac", "a.wav"):
        assert not by_name[name].ok and "already exists" in by_name[name].error
        assert f"{name}.json" in by_name[name].error and "--overwrite" in by_name[name].error
    assert by_name["cut.wav"].ok  # the others are still processed
    assert {k: v for k, v in second.items() if k in first and k != "report.md"} == {
        k: v for k, v in first.items() if k != "report.md"}  # nothing of theirs rewritten
    assert "report.md" in second and "report-2.md" in second  # the first report is kept
    assert second["report.md"] == first["report.md"]


def test_overwrite_replaces_and_truncation_is_a_warning(runs) -> None:
    out, status, outcomes = runs["out"], runs["status3"], runs["outcomes3"]
    assert status == 0 and outcomes[0].ok  # a truncated file is a warning, not a failure
    doc = json.loads((out / "cut.json").read_text(encoding="utf-8"))
    (warning,) = doc["decode_warnings"]
    assert warning["kind"] == "truncated_audio"
    assert warning["decoded_duration"] == pytest.approx(doc["duration"], abs=0.01)
    assert doc["settings"]["policy"] == "billing"  # the third run's, so it was rewritten
    assert "decode_warnings" not in json.loads((out / "a.wav.json").read_text(encoding="utf-8"))
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "truncated_audio" in report.split("## 音声の問題")[1].split("\n## ")[0]


def test_json_records_settings(runs) -> None:
    doc = json.loads((runs["out"] / "a.wav.json").read_text(encoding="utf-8"))
    settings = doc["settings"]
    assert set(settings) >= SETTINGS_KEYS
    assert settings["model"] == "whisper-base" and settings["policy"] == "general_support"
    assert settings["audio_redaction"] == "entity" and settings["version"] == version("redactor")
    assert "PERSON" in settings["entities"] and settings["operators"]["PERSON"] == "replace"
    assert set(settings["operators"]) == set(settings["entities"])


def test_real_subtitles_show_every_entity(runs) -> None:
    out = runs["out"]
    doc = json.loads((out / "a.wav.json").read_text(encoding="utf-8"))
    vtt = webvtt.read(str(out / "a.wav.vtt")).captions
    subs = list(srt.parse((out / "a.wav.srt").read_text(encoding="utf-8")))
    assert len(vtt) == len(subs) == len(doc["segments"])
    found = 0
    for seg, cue, sub in zip(doc["segments"], vtt, subs, strict=True):
        assert cue.voice == seg["channel"] and sub.content.startswith(f"[{seg['channel']}] ")
        for ent in seg["entities"]:
            label = f"［{TYPE_LABELS[ent['type']]}］"
            assert label in cue.text and label in sub.content
            found += 1
        assert "<" not in cue.text and "<" not in sub.content
    assert found >= 2  # the short call's name and phone number


def test_long_channel_reaches_the_speech_engine_in_pieces(tmp_path) -> None:
    from redactor.audio.decode import ChannelReader
    from redactor.batch.pipeline import CUT_SEARCH_S, PIECE_S, CallAudio, speech_pieces

    path = tmp_path / "long.wav"
    _long_stereo(path, 900.0)  # 15 min stereo 8 kHz
    channel, _ = decode_channel(path, 1, 16000)
    tracemalloc.start()
    try:
        audio = CallAudio(path, "long.wav")
        pieces = []
        for start, samples in audio.pieces_16k(1):  # as transcribe_long: one piece held at a time
            pieces.append((start, samples.size))
            del samples
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Never the whole 16-kHz channel (58 MB): about two pieces' worth at the most.
    assert peak < 2.2 * (PIECE_S + CUT_SEARCH_S) * 16000 * 4 < channel.nbytes
    assert audio.frames == 900 * 8000 and audio.duration == 900.0
    assert [s for s, _ in pieces] == [0, *np.cumsum([n for _, n in pieces])[:-1]]  # contiguous
    assert sum(n for _, n in pieces) == channel.size
    assert len(pieces) >= 900 / (PIECE_S + CUT_SEARCH_S)
    assert all(n <= (PIECE_S + CUT_SEARCH_S) * 16000 for _, n in pieces)
    assert all(abs(n / 16000 - PIECE_S) <= CUT_SEARCH_S for _, n in pieces[:-1])
    # The same pieces whether the channel arrives in decoder blocks or at once, each cut in a pause.
    whole = list(speech_pieces([channel], 16000))
    assert [(s, p.size) for s, p in whole] == pieces
    assert np.array_equal(np.concatenate([p for _, p in whole]), channel)
    loud = np.sqrt(np.mean(channel**2))
    for start, _ in pieces[1:]:
        assert np.sqrt(np.mean(channel[start - 4000 : start + 4000] ** 2)) < loud / 4
    for call in CALLS.glob("*.wav"):  # the sample calls are one piece: their ASR is unchanged
        assert sum(1 for _ in speech_pieces(ChannelReader(call, 0, 16000), 16000)) == 1


def test_pieces_keep_the_channel_clock() -> None:
    from redactor.asr.engine import SpeechEngine
    from redactor.asr.options import AsrOptions
    from redactor.batch.pipeline import speech_pieces, transcribe_long

    channel, _ = decode_channel(SHORT, 1, 16000)
    speech = SpeechEngine(AsrOptions(cpu_threads=1))
    pieces = list(speech_pieces([channel], 16000, piece_s=8.0, search_s=2.0))
    assert len(pieces) == 2 and pieces[1][0] > 6 * 16000
    seen: list[float] = []
    utts = transcribe_long(speech, pieces, seen.append)
    offset = pieces[1][0] / 16000
    later = [u for u in utts if u.start >= offset]
    assert later and utts[0].start < offset  # both pieces spoke
    for u in utts:
        assert 0 <= u.start <= u.end <= channel.size / 16000
        assert all(u.start - 0.5 <= w.start <= w.end <= u.end + 0.5 for w in u.words)
    assert seen == sorted(seen) and seen[-1] > offset  # progress on the channel's clock


def test_an_interrupted_overwrite_leaves_no_old_complete_marker(tmp_path) -> None:
    """review18 L8: overwriting a complete set, a failure after the new .srt left the OLD .json (the
    "complete" marker) beside a set whose .srt was gone."""
    text = "はい、<PERSON>です。"
    call = _call(("customer", text, [("PERSON", 3, 11)]))
    options = BatchOptions(formats=("srt", "vtt", "json"), overwrite=True)
    write_call(tmp_path, "x", call, SHORT, options, 0)
    assert (tmp_path / "x.json").exists()
    (tmp_path / "x.vtt").unlink()
    (tmp_path / "x.vtt").mkdir()  # the rewrite fails at the .vtt
    with pytest.raises(OSError):
        write_call(tmp_path, "x", call, SHORT, options, 0)
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.srt").exists()


def test_a_link_at_the_temporary_name_is_not_followed(tmp_path) -> None:
    """review18: the temporary file was opened through whatever stood at its name."""
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / ".x.srt.tmp").symlink_to(target)
    call = _call(("customer", "はい、<PERSON>です。", [("PERSON", 3, 11)]))
    write_call(tmp_path, "x", call, SHORT, BatchOptions(formats=("srt",)), 0)
    assert target.read_text(encoding="utf-8") == "keep" and (tmp_path / "x.srt").is_file()
