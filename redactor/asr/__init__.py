"""Speech recognition: faster-whisper engine with one shared model per process."""
