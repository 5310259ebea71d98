"""The shared web layer: plumbing every app may use (weeks, forms, API pagination and errors,
task retries).

It sits below every app of ours and imports none of them, so ``athletes``, ``checkins`` and
``plans`` can all lean on it without arrows running back up the layers.
"""
