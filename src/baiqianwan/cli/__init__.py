"""Command-line tools that work on files alone, with no server and no database."""
