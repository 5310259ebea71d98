"""The one way this app tells the world about check-ins.

``checkin_committed`` is sent after the transaction that wrote a check-in has committed
(``transaction.on_commit``), once per submit or edit, with ``checkin_id``, ``athlete_id``,
``week`` (its Monday) and ``created``. Receivers queue their own background work; the
warning rules (this app) and the weekly decision (``plans``) subscribe in their
AppConfig.ready().
"""

from django.dispatch import Signal

checkin_committed = Signal()
