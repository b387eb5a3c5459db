"""``redactor token``: prints a verifiable token alone on stdout; clear errors otherwise."""

from __future__ import annotations

import argparse

import pytest

from redactor import token_command
from redactor.server.auth import verify_token

SECRET = "t" * 40


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="redactor")
    token_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["token", *argv])
    return args.func(args)


def test_prints_the_token_alone(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDACTOR_SECRET", SECRET)
    assert _run(["--call", "CA42", "--role", "ingest", "--ttl", "120", "--subject", "pbx-1"]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("\n") and out.count("\n") == 1 and err == ""
    claims = verify_token(SECRET, out.strip())
    assert (claims.call_id, claims.role, claims.subject) == ("CA42", "ingest", "pbx-1")


def test_defaults_to_an_agent_token_for_an_hour(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDACTOR_SECRET", SECRET)
    assert _run(["--call", "CA1"]) == 0
    claims = verify_token(SECRET, capsys.readouterr().out.strip())
    assert claims.role == "agent" and claims.subject is None
    import time
    assert 3590 <= claims.expires_at - time.time() <= 3600


def test_missing_secret_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("REDACTOR_SECRET", raising=False)
    assert _run(["--call", "CA1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "REDACTOR_SECRET" in err


def test_call_is_required_except_for_a_supervisor(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDACTOR_SECRET", SECRET)
    assert _run([]) == 2
    assert "--call" in capsys.readouterr().err
    assert _run(["--role", "supervisor"]) == 0
    assert verify_token(SECRET, capsys.readouterr().out.strip()).role == "supervisor"


@pytest.mark.parametrize("argv", [["--call", "CA1", "--role", "admin"], ["--call", "CA1", "--ttl", "0"],
                                  ["--call", "CA1", "--ttl", "soon"]])
def test_bad_arguments_exit_with_usage(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDACTOR_SECRET", SECRET)
    with pytest.raises(SystemExit) as info:
        _run(argv)
    assert info.value.code == 2
