"""The ways this app tells the layers above it about what the coach decided (and about its
demo data).

``decision_decided`` is sent when the coach approves or overrides a weekly decision, by the
one service that does each (``services.decision_approve``, ``services.decision_override``;
a bulk approval goes through the first for each decision), with:

- ``sender``: the ``Decision`` class;
- ``decision``: the decision, already saved with its new status, ``note`` and ``decided_by``;
- ``by``: the user who decided.

It is sent inside the service's transaction, once the week is published: what a receiver
writes (the conversation posts the coach's note to her thread) commits or rolls back with the
decision itself, so a decision is never told twice or lost. A receiver queues background
work with ``transaction.on_commit``, never at once.

``demo_athlete_seeded`` is sent by ``seed_demo`` once an athlete's demo history is written,
with ``athlete``, ``coach`` and ``scripted`` (True for the demo athlete who has a login), so
that the layers above add their own demo data (the conversation writes a short exchange).
Receivers must be idempotent: the command may run again on the same database.
"""

from django.dispatch import Signal

decision_decided = Signal()
demo_athlete_seeded = Signal()
