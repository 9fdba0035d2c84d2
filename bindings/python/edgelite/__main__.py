"""`python -m edgelite` is the `edgelite` command."""
import sys

from .cli import main

sys.exit(main())
