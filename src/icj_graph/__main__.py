"""``python -m icj_graph``: the command line."""

from icj_graph.cli import main

main()
