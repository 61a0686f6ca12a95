"""The argument parser of every command line in the package: a usage error is one line, exit 2.

Its own module so that a check module with a command of its own (``theorems.satpathi21.figure1``)
needs nothing of :mod:`theorems._cli`, which imports those modules.
"""
from __future__ import annotations

import argparse


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass
