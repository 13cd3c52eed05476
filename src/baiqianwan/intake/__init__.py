"""Taking plans in: drafting a plan's structure from clean text and writing task ledgers.

`draft` and `ledger` are free of Django so the `bqw intake` command can use them without a
server; the Django app that will share this package adds models and views beside them.
"""
