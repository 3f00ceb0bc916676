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
