"""``python -m kabar.cli``: the same as the ``kabar`` command."""

from kabar.cli import main

main(prog_name="kabar")
