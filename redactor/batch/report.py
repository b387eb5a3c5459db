"""The QA report of a batch run: ``DIR/report.md`` (Markdown, UTF-8).

``summarize`` computes the run's numbers once (the summary table on stderr and the report
both print them); ``render_report`` is a pure function of the outcomes and that summary;
``write_report`` writes it next to the calls' outputs. The report holds file names, counts,
entity types, warning kinds and times only: never transcript text or PII values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redactor.batch.runner import FileOutcome
from redactor.batch.writers import _atomic_text

REPORT_NAME = "report.md"
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The numbers of a whole run (audio and entities count the files that succeeded)."""

    files_ok: int
    files_failed: int
    audio_s: float
    wall_s: float
    entities: Counter = field(default_factory=Counter)

    @property
    def speed(self) -> float | None:
        """Seconds of audio per second of wall time (``None`` when no time was measured)."""
        return self.audio_s / self.wall_s if self.wall_s > 0 else None


def summarize(outcomes: Sequence[FileOutcome], wall: float) -> BatchSummary:
    ok = [o for o in outcomes if o.ok]
    entities: Counter = Counter()
    for o in ok:
        entities.update(o.entities)
    return BatchSummary(
        files_ok=len(ok),
        files_failed=len(outcomes) - len(ok),
        audio_s=sum(o.duration for o in ok),
        wall_s=wall,
        entities=entities,
    )


def mmss(seconds: float | None) -> str:
    """``mm:ss`` (minutes keep counting past an hour); ``-`` when unknown."""
    if seconds is None:
        return "-"
    total = max(0, int(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'") or "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _severity_key(severity: str) -> tuple[int, str]:
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER)), severity


def render_report(outcomes: Sequence[FileOutcome], summary: BatchSummary) -> str:
    """The Markdown report of a run (pure: same outcomes and summary, same text)."""
    ok = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    speed = summary.speed
    lines = ["# redactor batch QA レポート", ""]

    lines += ["## 概要 (summary)", ""]
    lines += _table(
        ("項目", "値"),
        [
            ("ファイル (files)", f"{summary.files_ok} 件成功 (ok), {summary.files_failed} 件失敗 (failed)"),
            ("音声合計 (audio)", f"{summary.audio_s / 60:.2f} 分 (min)"),
            ("処理時間 (wall time)", f"{summary.wall_s:.1f} 秒 (s)"),
            ("速度 (speed)", f"実時間の {speed:.1f} 倍 ({speed:.1f}x real time)" if speed is not None else "-"),
            ("検出エンティティ (entities)", sum(summary.entities.values())),
            ("警告 (warnings)", sum(len(o.warnings) for o in ok)),
            ("音声の問題 (decode warnings)", sum(len(o.decode_warnings) for o in outcomes)),
        ],
    )
    if failed:
        lines += ["失敗 (failures):", ""]
        lines += [f"- `{_cell(o.source.name)}`: {_cell(o.error or 'failed')}" for o in failed]
        lines.append("")

    lines += ["## 種類別エンティティ (entities by type)", ""]
    types = sorted(summary.entities)
    if not ok:
        lines += ["成功したファイルがありません。", ""]
    elif not types:
        lines += ["エンティティは検出されませんでした (none).", ""]
    else:
        rows: list[list[object]] = [
            [o.source.name, *(o.entities.get(t, 0) for t in types), sum(o.entities.values())] for o in ok
        ]
        rows.append(["**合計 (total)**", *(summary.entities[t] for t in types), sum(summary.entities.values())])
        lines += _table(("ファイル", *types, "計"), rows)

    lines += ["## 音声の問題 (decode warnings)", ""]
    damaged = [(o, w) for o in outcomes for w in o.decode_warnings]
    if damaged:
        lines += _table(("ファイル", "種類 (kind)", "内容 (message)"),
                        [(o.source.name, w.get("kind"), w.get("message")) for o, w in damaged])
    else:
        lines += ["なし (none).", ""]

    lines += ["## 警告 (warnings)", ""]
    kinds: Counter = Counter()
    for o in ok:
        kinds.update((w.get("kind", "?"), w.get("severity", "?")) for w in o.warnings)
    if not kinds:
        lines += ["警告はありません (none).", ""]
    else:
        ordered = sorted(kinds.items(), key=lambda kv: (_severity_key(kv[0][1]), kv[0][0]))
        lines += _table(("種類 (kind)", "重要度 (severity)", "件数"), [(k, s, n) for (k, s), n in ordered])
        for o in ok:
            if not o.warnings:
                continue
            lines += [f"### {_cell(o.source.name)}", ""]
            by_time = sorted(o.warnings, key=lambda w: (w.get("time") is None, w.get("time") or 0.0))
            lines += _table(
                ("時刻", "種類 (kind)", "重要度", "チャンネル", "セグメント"),
                [
                    (mmss(w.get("time")), w.get("kind"), w.get("severity"), w.get("channel"), w.get("segment_id"))
                    for w in by_time
                ],
            )

    lines += ["## 失敗した入力 (failed inputs)", ""]
    if failed:
        lines += _table(("入力 (input)", "エラー (error)"), [(o.source.name, o.error or "failed") for o in failed])
    else:
        lines += ["なし (none).", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_report(out_dir: Path, outcomes: Sequence[FileOutcome], summary: BatchSummary,
                 *, overwrite: bool = False) -> Path:
    """Write ``out_dir/report.md`` (atomically) and return its path.

    An existing report is kept unless ``overwrite``: this run's goes to ``report-2.md``,
    ``report-3.md`` … (the first name free).
    """
    path = Path(out_dir) / REPORT_NAME
    k = 1
    while not overwrite and (path.exists() or path.is_symlink()):
        k += 1
        path = Path(out_dir) / f"{Path(REPORT_NAME).stem}-{k}{Path(REPORT_NAME).suffix}"
    _atomic_text(path, render_report(outcomes, summary))
    return path
