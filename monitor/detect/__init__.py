"""Development detection: events, new facts and conflicts within a storyline.

Entry points (import them from their modules; this package imports nothing so
that ``monitor.storylines.match`` can use ``monitor.detect.text`` freely):

- :func:`monitor.detect.developments.detect` — fold one matched article into a
  storyline's :class:`~monitor.detect.state.StorylineState`, return developments.
- :func:`monitor.detect.state.prune` — bound the state to a time horizon.
- :func:`monitor.detect.scoring.score` / :func:`~monitor.detect.scoring.format_report`
  — measure matching, event grouping and conflicts on a labeled set.
"""
