"""The hourly publication run as a test needs it: the task and its chunks, in this process.

``plans.tasks.publish_weeks`` fans out: it returns only what it sent (the athletes and the
chunks) and each chunk returns its own counts. In eager mode (the tests) the chunks run
inside the call; ``publish_weeks`` here runs the task and adds up what its chunks returned,
as one run of the whole publication.
"""

from __future__ import annotations

from celery.signals import task_success

from plans import tasks

CHUNK_COUNTS = ("started", "published", "decisions")


def publish_weeks(**kwargs) -> dict[str, int]:
    """Run ``plans.tasks.publish_weeks`` (eagerly: the chunks run inside it); returns its
    totals (``athletes``, ``chunks``) and its chunks' (``started``, ``published``,
    ``decisions``), summed."""
    chunks: list[dict[str, int]] = []

    def collect(sender=None, result=None, **_) -> None:
        chunks.append(result)

    task_success.connect(collect, sender=tasks.publish_weeks_rosters, weak=False)
    try:
        totals = tasks.publish_weeks(**kwargs)
    finally:
        task_success.disconnect(collect, sender=tasks.publish_weeks_rosters)
    assert len(chunks) == totals["chunks"], "a chunk did not run in this process"
    return {**totals, **{key: sum(chunk[key] for chunk in chunks) for key in CHUNK_COUNTS}}
