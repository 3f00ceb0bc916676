"""The `hoshin` command. Each verb is a Django management command underneath."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    argv = list(sys.argv if argv is None else argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hoshin", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
