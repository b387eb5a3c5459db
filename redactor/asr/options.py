"""Typed options for the speech engine (in the spirit of faster-whisper's ``VadOptions``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SegmentationOptions:
    """Voice-activity segmentation of one channel into utterances (Silero VAD).

    Attributes:
      mode: ``window``: the speech found by the VAD is packed into 30-s windows and decoded
        with the previous window as prompt (faster-whisper's ``vad_filter``); Whisper's
        segments are split back into utterances at pauses longer than ``split_gap_s``.
        ``utterance``: each VAD utterance is decoded alone (cheaper with the short-context
        encoder, but less context: higher CER, see benchmarks/RESULTS.md).
      threshold: Silero speech probability above which a frame is speech.
      min_speech_ms: speech shorter than this is dropped (clicks, breaths).
      min_silence_ms: a pause at least this long ends an utterance.
      speech_pad_ms: padding added to each side of a speech chunk.
      max_utterance_s: longer speech is split (at the longest pause found by the VAD);
        must stay under Whisper's 30-s window.
      merge_gap_s: neighbouring chunks closer than this are merged into one utterance.
      window_min_silence_ms, window_speech_pad_ms: VAD settings of window mode.
      split_gap_s: window mode splits a segment where words are further apart than this.
    """

    mode: str = "window"
    threshold: float = 0.5
    min_speech_ms: int = 200
    min_silence_ms: int = 500
    speech_pad_ms: int = 200
    max_utterance_s: float = 20.0
    merge_gap_s: float = 0.3
    window_min_silence_ms: int = 2000
    window_speech_pad_ms: int = 400
    split_gap_s: float = 1.2


@dataclass(frozen=True, slots=True)
class GuardOptions:
    """Hallucination guards applied to each decoded utterance.

    Attributes:
      no_speech_threshold: drop an utterance whose no-speech probability is above this ...
      log_prob_threshold: ... and whose average log-probability is below this.
      compression_ratio_threshold: gzip compression ratio above which text is a loop.
      max_repeats: a unit of text repeated more than this many times in a row is cut back
        to one occurrence (see ``guards.repetition_cut``).
      max_phrase_repeats: a unit of three or more characters (a word or phrase, not はい)
        repeated more than this many times in a row is a loop: 植物は植物は植物は.
      max_loop_digits: a repeated run of digits longer than this is a loop.
      tokens_per_second: token budget per second of audio (plus ``token_budget_base``),
        so that a decoding loop ends early.
      drop_phrases: whole-utterance texts that Whisper invents on silence or noise.
    """

    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    max_repeats: int = 4
    max_phrase_repeats: int = 2
    max_loop_digits: int = 16
    tokens_per_second: float = 15.0
    token_budget_base: int = 16
    drop_phrases: tuple[str, ...] = (
        "ご視聴ありがとうございました",
        "ご視聴ありがとうございます",
        "最後までご視聴いただきありがとうございました",
        "最後までご視聴ありがとうございました",
        "チャンネル登録よろしくお願いします",
        "チャンネル登録お願いします",
        "おやすみなさい",
        "字幕",
        "字幕作成",
    )


CALL_CENTER_PROMPT = (
    "お電話ありがとうございます。ご本人確認のため、お名前、生年月日、ご登録のお電話番号、"
    "郵便番号、ご住所、メールアドレスをお願いいたします。"
)


@dataclass(frozen=True, slots=True)
class AsrOptions:
    """Speech engine configuration.

    Attributes:
      model: manifest name (``whisper-base``), a local CTranslate2 directory, or a
        faster-whisper hub name (``large-v3``, ``kotoba-tech/kotoba-whisper-v2.0-faster``);
        ``None`` = ``REDACTOR_ASR_MODEL`` or ``whisper-base``.
      device: ``cpu`` or ``cuda``.
      compute_type: CTranslate2 compute type (``int8``, ``int8_float32``, ``float32``, ...).
      cpu_threads: intra-op threads of the model.
      beam_size: 1 = greedy decoding.
      language: spoken language.
      short_context: encode only the real length of a window (an utterance, or a channel's
        last window) instead of padding it to 30 s (see ``redactor/asr/short_context.py``
        and ``benchmarks/RESULTS.md``).
      short_context_pad_s: zero-feature padding kept after the real audio when short_context.
      temperatures: decoding temperatures tried in turn when faster-whisper's thresholds
        reject a result. Greedy only by default: on telephone audio the fallback fired on half
        the utterances, doubled the cost and did not lower the CER (benchmarks/RESULTS.md);
        the guards drop what is left of loops.
      initial_prompt: text given to the decoder as if it preceded each utterance: domain
        vocabulary biases recognition towards it (see ``CALL_CENTER_PROMPT``).
      condition_on_previous_text: window mode: prompt each window with the previous one.
      seed: random seed for sampling at temperature > 0, set before each utterance so that
        results are reproducible and identical across workers.
      nice: lower the OS priority of the model's compute threads by this much (a separate model
        instance for optional work: live revisions and partials, ``AsrScheduler``).
    """

    model: str | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 1
    beam_size: int = 1
    language: str = "ja"
    short_context: bool = True
    short_context_pad_s: float = 1.0
    temperatures: tuple[float, ...] = (0.0,)
    seed: int = 0
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    nice: int = 0
    segmentation: SegmentationOptions = field(default_factory=SegmentationOptions)
    guards: GuardOptions = field(default_factory=GuardOptions)
