"""Make the sample calls: scripted agent/customer dialogues synthesised with pyopenjtalk-plus.

    python samples/calls/make_calls.py [--out samples/calls]

Each call is a stereo WAV (channel 0 = agent, channel 1 = customer) at 8 kHz telephone band
(300-3400 Hz, mu-law line, hiss) or 16 kHz wideband, with one voice per speaker (speed and
pitch differ) and line noise on both channels. Utterances are synthesised part by part, so the
gold file knows exactly when each PII item is spoken:

- ``NAME.wav``        the call
- ``NAME.gold.json``  script (channel, start, end, text) and PII items (type, value, the text
                      as spoken, written/spoken form, audio_start/audio_end, leak strings)

All names, numbers and addresses are invented. Deterministic: the same script gives the same
audio (seeded noise and pauses).
"""

from __future__ import annotations

import argparse
import json
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyopenjtalk
import soxr

TTS_RATE = 48000


@dataclass(frozen=True)
class Pii:
    """A PII part of an utterance: ``say`` is what the voice reads, ``value`` the datum."""

    type: str
    say: str
    value: str
    form: str  # "written" (digits/kanji as typed) or "spoken" (kana reading)
    leaks: tuple[str, ...] = ()  # strings whose presence in a masked transcript is a leak


@dataclass(frozen=True)
class Line:
    speaker: str  # "agent" | "customer"
    parts: tuple[str | Pii, ...]


@dataclass
class Call:
    name: str
    rate: int
    telephone: bool
    lines: list[Line]
    voices: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"agent": (1.05, 2.0), "customer": (0.95, -3.0)}
    )
    seed: int = 0


def A(*parts: str | Pii) -> Line:
    return Line("agent", parts)


def C(*parts: str | Pii) -> Line:
    return Line("customer", parts)


def digits(value: str) -> tuple[str, ...]:
    return (value,)


# ---------------------------------------------------------------------------------- scripts

SHORT = Call(
    name="short_call",
    rate=8000,
    telephone=True,
    seed=1,
    lines=[
        A("お電話ありがとうございます。サポートセンターです。"),
        C("もしもし、", Pii("PERSON", "山田花子", "山田花子", "written", ("山田", "花子")),
          "と申します。"),
        A("ご連絡先のお電話番号をお願いします。"),
        C("はい、", Pii("PHONE_NUMBER", "090-3456-7812", "09034567812", "written",
                       digits("09034567812")), "です。"),
    ],
)

CALL1 = Call(
    name="call_address_change",
    rate=8000,
    telephone=True,
    seed=11,
    lines=[
        A("お電話ありがとうございます。みどり通信カスタマーセンター、担当の",
          Pii("PERSON", "佐藤", "佐藤", "written", ("佐藤",)), "でございます。"),
        C("あの、引っ越しをしたので、住所の変更をお願いしたいんですけど。"),
        A("住所変更でございますね。かしこまりました。ご契約者さまのお名前をお願いいたします。"),
        C(Pii("PERSON", "鈴木一郎", "鈴木一郎", "written", ("鈴木", "一郎")), "です。"),
        A("鈴木さまですね。ご本人確認のため、ご登録のお電話番号をお願いいたします。"),
        C("えっと、", Pii("PHONE_NUMBER", "ゼロキューゼロ、ニーサンヨンゴー、ロクナナハチキュー",
                         "09023456789", "spoken", digits("09023456789")), "です。"),
        A("ありがとうございます。確認がとれました。新しいご住所の郵便番号をお願いいたします。"),
        C("郵便番号は", Pii("JP_POSTAL_CODE", "150-0041", "1500041", "written",
                           ("1500041",)), "です。"),
        A("続けて、ご住所をお願いいたします。"),
        C(Pii("JP_ADDRESS", "東京都渋谷区神南一丁目二番三号", "東京都渋谷区神南1-2-3", "written",
              ("神南",)), "、みどりハイツの三百五号室です。"),
        A("ありがとうございます。ご住所を変更いたしました。ほかにご用件はございますか。"),
        C("あと、請求書のメールも新しいアドレスに送ってほしいんです。"),
        A("かしこまりました。メールアドレスをお願いいたします。"),
        C(Pii("EMAIL_ADDRESS", "ichiro.suzuki@example.jp", "ichiro.suzuki@example.jp", "written",
              ("ichiro", "suzuki@")), "です。"),
        A("確認のため、生年月日もお願いできますか。"),
        C(Pii("DATE_OF_BIRTH", "昭和五十八年四月十二日", "1983-04-12", "written",
              ("昭和58年4月12日", "1983年4月12日")), "生まれです。"),
        A("ありがとうございます。すべての変更を承りました。来月の請求から反映されます。"),
        C("わかりました。よろしくお願いします。"),
        A("本日は", Pii("PERSON", "佐藤", "佐藤", "written", ("佐藤",)),
          "が承りました。お電話ありがとうございました。"),
    ],
)

CALL2 = Call(
    name="call_card_payment",
    rate=8000,
    telephone=True,
    seed=22,
    voices={"agent": (1.0, 4.0), "customer": (1.08, -1.0)},
    lines=[
        A("お電話ありがとうございます。さくらショッピング、お支払い窓口の",
          Pii("PERSON", "高橋", "高橋", "written", ("高橋",)), "です。"),
        C("すみません、カードの支払いが通らなかったみたいで。"),
        A("ご不便をおかけして申し訳ございません。お名前をお伺いできますか。"),
        C(Pii("PERSON", "伊藤美咲", "伊藤美咲", "written", ("伊藤", "美咲")), "です。"),
        A("伊藤さまですね。ご登録のお電話番号をお願いいたします。"),
        C(Pii("PHONE_NUMBER", "03-5412-6789", "0354126789", "written", digits("0354126789")),
          "です。"),
        A("確認いたしました。新しいカードで決済をやり直します。カード番号をお願いいたします。"),
        C("はい。", Pii("CREDIT_CARD", "4111、1111、1111、1111", "4111111111111111", "written",
                       ("4111111111111111",)), "です。"),
        A("有効期限をお願いいたします。"),
        C(Pii("CARD_EXPIRY", "二十七年の八月", "08/27", "spoken", ("27年8月", "2027年8月")),
          "までです。"),
        A("ありがとうございます。決済を完了いたしました。"),
        C("よかった。ところで、領収書は送ってもらえますか。"),
        A("はい、ご登録のメールアドレスにお送りできます。アドレスをお願いいたします。"),
        C(Pii("EMAIL_ADDRESS", "ミサキ、アットマーク、サンプル、ドット、シーオー、ドット、ジェイピー",
              "misaki@sample.co.jp", "spoken", ("misaki@",)), "です。"),
        A("ありがとうございます。本日中に領収書をお送りいたします。"),
        C("お願いします。あと、お届け先の郵便番号も確認したいです。"),
        A("はい、お届け先の郵便番号をお願いいたします。"),
        C(Pii("JP_POSTAL_CODE", "ゴーサンゼロのゼロゼロゼロイチ", "5300001", "spoken",
              ("5300001", "530-0001")), "です。"),
        A("確認いたしました。ほかにご不明な点はございますか。"),
        C("大丈夫です。ありがとうございました。"),
    ],
)

CALL3 = Call(
    name="call_wideband_support",
    rate=16000,
    telephone=False,
    seed=33,
    voices={"agent": (1.02, 1.0), "customer": (0.9, -4.0)},
    lines=[
        A("お待たせいたしました。ひかり保険お客様窓口、",
          Pii("PERSON", "中村", "中村", "written", ("中村",)), "でございます。"),
        C("保険の書類がまだ届かないので、電話しました。"),
        A("ご心配をおかけしております。お名前とフリガナをお願いいたします。"),
        C(Pii("PERSON", "渡辺健太", "渡辺健太", "written", ("渡辺", "健太")), "、",
          Pii("PERSON", "ワタナベケンタ", "ワタナベケンタ", "spoken", ("ワタナベ", "ケンタ")),
          "です。"),
        A("渡辺さまですね。生年月日をお願いいたします。"),
        C(Pii("DATE_OF_BIRTH", "千九百九十年十月三日", "1990-10-03", "written",
              ("1990年10月3日",)), "です。"),
        A("ありがとうございます。ご登録のお電話番号もお願いいたします。"),
        C(Pii("PHONE_NUMBER", "080-7654-3210", "08076543210", "written", digits("08076543210")),
          "です。"),
        A("確認がとれました。書類の送付先のご住所をお願いいたします。"),
        C(Pii("JP_ADDRESS", "大阪府大阪市北区梅田三丁目四番五号", "大阪府大阪市北区梅田3-4-5",
              "written", ("梅田3", "梅田三")), "です。"),
        A("ありがとうございます。郵便番号もお伺いできますか。"),
        C(Pii("JP_POSTAL_CODE", "530-0001", "5300001", "written", ("5300001",)), "です。"),
        A("書類は昨日発送済みでした。明日には届く予定です。"),
        C("そうですか。それなら安心しました。"),
        A("念のため、控えをメールでもお送りしましょうか。"),
        C("お願いします。", Pii("EMAIL_ADDRESS", "kenta.w@example.com", "kenta.w@example.com",
                               "written", ("kenta",)), "です。"),
        A("承知いたしました。本日中にお送りいたします。"),
        C("ありがとうございます。助かりました。"),
        A("ほかにご用件はございますか。"),
        C("いいえ、大丈夫です。"),
        A("お電話ありがとうございました。失礼いたします。"),
    ],
)

CALLS = [SHORT, CALL1, CALL2, CALL3]


# ---------------------------------------------------------------------------------- audio


def _tts(text: str, speed: float, half_tone: float) -> np.ndarray:
    audio, rate = pyopenjtalk.tts(text, speed=speed, half_tone=half_tone)
    assert rate == TTS_RATE
    return np.asarray(audio, dtype=np.float64) / 32768.0


def _trim(x: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > threshold)
    return x[idx[0] : idx[-1] + 1] if idx.size else x[:0]


def _telephone(x: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Band-limit to 300-3400 Hz (FFT mask), pass through a mu-law line, add hiss."""
    spec = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    spec[(freqs < 300) | (freqs > 3400)] = 0
    y = np.fft.irfft(spec, n=x.size)
    y += rng.normal(0, 0.0015, y.size)
    mu = 255.0
    y = np.clip(y, -1, 1)
    q = np.round(np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu) * 127) / 127
    return np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu


def render(call: Call) -> tuple[np.ndarray, dict]:
    """Synthesise a call: returns int16 (samples, 2) and the gold record."""
    rng = np.random.default_rng(call.seed)
    t = 0.6  # leading silence
    pieces: list[tuple[int, float, np.ndarray]] = []
    script, pii = [], []
    for index, line in enumerate(call.lines):
        speed, half_tone = call.voices[line.speaker]
        channel = 0 if line.speaker == "agent" else 1
        start, cursor, text = t, t, []
        for part in line.parts:
            say = part if isinstance(part, str) else part.say
            audio = _trim(_tts(say, speed, half_tone))
            if audio.size == 0:  # punctuation only: a short pause
                text.append(say)
                cursor += 0.15
                continue
            audio = audio / max(1e-9, np.max(np.abs(audio))) * 0.45
            audio = soxr.resample(audio, TTS_RATE, call.rate)
            pieces.append((channel, cursor, audio))
            dur = audio.size / call.rate
            if isinstance(part, Pii):
                pii.append({
                    "type": part.type, "value": part.value, "said": part.say,
                    "form": part.form, "leaks": list(part.leaks), "channel": line.speaker,
                    "line": index, "audio_start": round(cursor, 3),
                    "audio_end": round(cursor + dur, 3),
                })
            text.append(say)
            cursor += dur + 0.06
        script.append({"channel": line.speaker, "start": round(start, 3),
                       "end": round(cursor - 0.06, 3), "text": "".join(text)})
        t = cursor + float(rng.uniform(0.35, 0.9))
    n = int((t + 0.8) * call.rate)
    out = np.zeros((n, 2))
    for channel, start, audio in pieces:
        i = round(start * call.rate)
        out[i : i + audio.size, channel] += audio
    for ch in range(2):
        if call.telephone:
            out[:, ch] = _telephone(out[:, ch], call.rate, rng)
        else:
            out[:, ch] += rng.normal(0, 0.002, n)  # room/line noise on a wideband line
    pcm = np.clip(np.round(out * 32767), -32768, 32767).astype(np.int16)
    gold = {"source": f"{call.name}.wav", "sample_rate": call.rate, "channels": ["agent", "customer"],
            "duration": round(n / call.rate, 3), "script": script, "pii": pii}
    return pcm, gold


def write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--only", nargs="*", help="call names to make (default all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for call in CALLS:
        if args.only and call.name not in args.only:
            continue
        pcm, gold = render(call)
        write_wav(args.out / f"{call.name}.wav", pcm, call.rate)
        (args.out / f"{call.name}.gold.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"{call.name}: {gold['duration']:.1f} s, {call.rate} Hz, {len(gold['pii'])} PII items")


if __name__ == "__main__":
    main()
