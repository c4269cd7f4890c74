"""`diary serve`: the diary as a small web page for the phone (the optional `web` extra).

Nothing outside this package and `diary/cli/serve.py` imports Flask or waitress.
"""
