from hoshin import __version__
from hoshin.cli import main

VERBS = ["serve", "migrate", "demo", "import", "export", "checkin", "tree", "createuser", "token"]


def test_overview_lists_every_verb(capsys):
    for argv in (["hoshin"], ["hoshin", "--help"], ["hoshin", "-h"], ["hoshin", "help"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
        assert listed[:len(VERBS)] == VERBS
        assert "hoshin help --all" in out


def test_version(capsys):
    assert main(["hoshin", "--version"]) == 0
    assert capsys.readouterr().out.strip() == f"hoshin {__version__}"


def test_help_all_lists_django_commands_too(capsys):
    main(["hoshin", "help", "--all"])
    out = capsys.readouterr().out
    assert "createsuperuser" in out and "tree" in out


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    # `hoshin check --rules | head -1`: the pipe closes before the command has written.
    import os
    import subprocess
    import sys
    from pathlib import Path

    hoshin = Path(sys.executable).with_name("hoshin")
    env = dict(os.environ, HOSHIN_DATA_DIR=str(tmp_path),
               HOSHIN_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    process = subprocess.Popen([str(hoshin), "check", "--rules"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
