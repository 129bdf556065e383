#!/usr/bin/env python
"""Django's command-line utility; `zona` (the console script) is the same thing."""

from zona.cli import main

if __name__ == "__main__":
    main()
