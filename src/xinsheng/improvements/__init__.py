"""Improvement actions (改进行动): a problem, the change that fixes it, its owner and dates, the
customers who raised it (told when it ships) and the measured effect. docs/improvements.md."""
