"""``python -m xinsheng`` is the ``xinsheng`` command."""
from xinsheng.cli import main

main()
