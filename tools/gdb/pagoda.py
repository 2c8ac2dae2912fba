"""Loads Pagoda's gdb commands (the package pagodagdb beside this file).

tools/gdb/pagoda.gdb sources this file; `help pagoda` lists the commands.
"""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pagodagdb  # noqa: E402


class PagodaHelp(gdb.Command):
    """pagoda: list Pagoda's gdb commands."""

    def __init__(self):
        super().__init__("pagoda", gdb.COMMAND_SUPPORT)

    def invoke(self, arg, from_tty):
        print(pagodagdb.HELP)


PagodaHelp()
