"""``python -m api.cli``: run the ``shakti`` command line."""

from api.cli import main

main()
