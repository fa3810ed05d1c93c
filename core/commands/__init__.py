"""Command-line subcommands. Each module defines `register(subparsers)`.

main.py discovers the modules of this package, so a new command is a new
module here, not an edit of main.py. A command's function receives the parsed
arguments and an `open_db` callable, and returns an exit code.
"""
