"""Newsmon: an event-streaming news monitor.

The ``monitor`` package holds the domain logic as plain functions over plain
models; it never imports Faust or Kafka clients (see ``streams/`` for that).
"""

__version__ = "0.1.0"
