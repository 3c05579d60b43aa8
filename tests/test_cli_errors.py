"""The command line's user errors: one `error:` line and exit code 1, never a traceback or exit code 2; read
commands never create a store; help, version and a light start-up. In-process through `main`, except where
a fresh interpreter is the point."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import __version__
from dossier.cli import main

DOSSIER = Path(sys.executable).with_name("dossier")  # the console script of the environment running the tests


def _user_error(capsys, argv: list[str], *expected: str) -> str:
    """Run, expect exit code 1 and one `error:` line naming every expected piece; return that line."""
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Traceback" not in out.out, out.err
    assert code == 1, (argv, code, out.err)
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.err
    for piece in expected:
        assert piece in lines[0], (piece, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> str:
    from dossier.store import Store

    db = str(tmp_path_factory.mktemp("store") / "empty.db")
    Store.open(db).engine.dispose()
    return db


# --- --db values that are not a store -------------------------------------------------------------------------

@pytest.mark.parametrize("command, url, problem", [
    (["cases"], "notaurl://x", "unknown database driver 'notaurl'"),
    (["status"], "postgresql+nodriver://host/db", "unknown database driver 'postgresql+nodriver'"),
    (["audit-verify"], "://x", "neither a file path nor a database URL"),
    (["user-logout", "someone"], "postgresql://host:notaport/db", "neither a file path nor a database URL"),
    (["alerts"], "sqlite://x", "Invalid SQLite URL"),
    (["serve"], "notaurl://x", "unknown database driver 'notaurl'"),  # checked before the port is bound
    (["user-add", "someone"], "notaurl://x", "unknown database driver 'notaurl'"),  # a command that may create
])
def test_malformed_or_unknown_database_url_is_a_one_line_user_error(capsys, monkeypatch, command, url, problem):
    monkeypatch.setenv("DOSSIER_PASSWORD", "a long enough passphrase")
    _user_error(capsys, [*command, "--db", url], url, problem)


def test_database_url_password_is_not_printed_in_the_error(capsys):
    line = _user_error(capsys, ["cases", "--db", "notaurl://reader:hunter2@host/db"], "unknown database driver")
    assert "hunter2" not in line and "reader:***@host" in line


def test_malformed_url_for_backup_and_restore(tmp_path, capsys):
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a backup")
    _user_error(capsys, ["backup", str(tmp_path / "b.bak"), "--db", "://x"], "neither a file path nor a database URL")
    _user_error(capsys, ["restore", str(junk), "--db", "://x"], "neither a file path nor a database URL")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.bak"]


def test_a_folder_given_as_the_store_is_named(tmp_path, capsys):
    _user_error(capsys, ["status", "--db", str(tmp_path)], str(tmp_path), "is a folder")
    assert list(tmp_path.iterdir()) == []


# --- read commands refuse a store that does not exist ---------------------------------------------------------

READ_COMMANDS = [
    ["cases"], ["person", "Somebody"], ["articles"], ["status"], ["alerts"], ["audit-verify"], ["reextract"],
    ["merge", "1", "2"], ["split", "1", "--article", "2"], ["user-password", "someone"], ["user-disable", "someone"],
    ["user-logout", "someone"], ["export", "cases.csv", "-o", "{tmp}/out.csv"], ["backup", "{tmp}/copy.bak"],
    ["serve", "--port", "{port}"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_command_refuses_a_missing_store_and_creates_nothing(tmp_path, capsys, monkeypatch, command):
    import uvicorn

    def never(*_, **__):
        raise AssertionError("the workbench was started on a store that does not exist")

    monkeypatch.setattr(uvicorn.Server, "run", never)
    monkeypatch.setenv("DOSSIER_PASSWORD", "a long enough passphrase")  # never a prompt, whatever the order
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    missing = tmp_path / "missing.db"
    argv = [part.format(tmp=tmp_path, port=port) for part in command] + ["--db", str(missing)]
    _user_error(capsys, argv, f"no store at {missing}", "dossier ingest", "--db")
    assert list(tmp_path.iterdir()) == []  # no store, no -wal, no lock file, no output


def test_default_store_is_refused_too_when_absent(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOSSIER_DB", raising=False)
    _user_error(capsys, ["cases"], f"no store at {tmp_path / 'dossier.db'}")
    assert list(tmp_path.iterdir()) == []


def test_read_command_on_an_existing_store_still_works(empty_store, capsys):
    assert main(["status", "--db", empty_store]) == 0
    assert "articles" in capsys.readouterr().out


# --- output paths ----------------------------------------------------------------------------------------------

def test_export_to_a_missing_folder_or_a_folder(tmp_path, empty_store, capsys):
    missing = tmp_path / "no" / "x.csv"
    _user_error(capsys, ["export", "cases.csv", "-o", str(missing), "--db", empty_store],
                str(missing), f"folder {missing.parent} does not exist")
    _user_error(capsys, ["export", "cases.csv", "-o", str(tmp_path), "--db", empty_store], str(tmp_path), "is a folder")
    afile = tmp_path / "afile"
    afile.write_text("x")
    _user_error(capsys, ["export", "cases.csv", "-o", str(afile / "x.csv"), "--db", empty_store], "not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_export_to_a_folder_not_writable(tmp_path, empty_store, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    _user_error(capsys, ["export", "cases.csv", "-o", str(locked / "x.csv"), "--db", empty_store], "not writable")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_export_write_failure_after_the_checks_is_one_line(empty_store, capsys):
    # /dev/full passes every check (as root) and then fails to write: a full disk
    _user_error(capsys, ["export", "cases.csv", "-o", "/dev/full", "--db", empty_store], "/dev/full")


def test_extract_backup_decrypt_restore_output_paths(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    afile = tmp_path / "afile"
    afile.write_text("x")
    # extract makes missing folders, but refuses a folder as the file and a file as a folder, before any work
    _user_error(capsys, ["extract", str(empty), "-o", str(empty)], str(empty), "is a folder")
    _user_error(capsys, ["extract", str(empty), "-o", str(afile / "sub" / "x.json")], str(afile), "not a folder")
    _user_error(capsys, ["backup", str(tmp_path / "no" / "b.bak"), "--db", str(afile)], "does not exist")
    _user_error(capsys, ["backup", str(empty), "--db", str(afile)], "is a folder")
    _user_error(capsys, ["decrypt", str(afile), "-o", str(tmp_path / "no" / "plain.csv")], "does not exist")
    _user_error(capsys, ["decrypt", str(afile), "-o", str(empty)], "is a folder")
    _user_error(capsys, ["restore", str(afile), "--db", str(tmp_path / "no" / "x.db")], "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "empty"] and list(empty.iterdir()) == []


def test_bench_workdir_and_sizes(tmp_path, capsys):
    _user_error(capsys, ["bench-web", "--workdir", str(tmp_path / "no")], "--workdir", "no such folder")
    _user_error(capsys, ["bench-scale", "--sizes", "ten", "--workdir", str(tmp_path)], "--sizes ten")


# --- serve ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_port_out_of_range(capsys, port):
    _user_error(capsys, ["serve", "--port", port], f"--port {port}", "between 1 and 65535")


def test_serve_port_in_use(tmp_path, capsys, monkeypatch):
    import uvicorn

    def never(*_, **__):
        raise AssertionError("a second server was started on a port in use")

    monkeypatch.setattr(uvicorn.Server, "run", never)
    db = tmp_path / "x.db"
    db.touch()  # a store that exists (an empty file): the port is what is wrong
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _user_error(capsys, ["serve", "--db", str(db), "--port", str(port)], f"port {port}", "already in use")


# --- help and version -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_short_and_long(capsys, flag):
    assert main([flag]) == 0
    out = capsys.readouterr().out
    assert "Usage: dossier" in out and "--version" in out and "cases" in out
    assert main(["cases", flag]) == 0
    out = capsys.readouterr().out
    assert "Usage: dossier cases" in out and "--db" in out


def test_version_option_and_command(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dossier {__version__}\n"
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == f"dossier {__version__}"


def test_version_from_the_console_script_and_python_m():
    for argv in ([str(DOSSIER), "--version"], [sys.executable, "-m", "dossier", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"dossier {__version__}\n" and done.stderr == ""


HEAVY = ("sqlalchemy", "alembic", "spacy", "matplotlib", "fastapi", "uvicorn", "pandas", "dask", "numpy", "rich.progress")


def test_light_commands_load_no_heavy_library():
    """Start-up time comes from imports: the commands that load no model must not import these."""
    code = ("import contextlib, io, sys\n"
            "from dossier.cli import main\n"
            "for argv in (['--version'], ['version'], ['-h'], ['cases', '--help'], ['serve', '-h']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        assert main(argv) == 0, argv\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
