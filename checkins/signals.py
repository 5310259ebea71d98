"""The one way this app tells the world about check-ins.

``checkin_committed`` is sent after the transaction that wrote a check-in has committed
(``transaction.on_commit``), once per submit or edit, with:

- ``checkin_id``, ``athlete_id``;
- ``week``: its Monday;
- ``created``: True for a new check-in, False for an edit;
- ``live``: True when the week was open (checkins/windows.py) at the time it was written —
  a current week she or her coach reported, which may decide what comes next; False for
  history a coach entered for a week whose window had closed, which decides nothing for
  the future (SPEC §11). Receivers that act on the future must check it.

Receivers queue their own background work; the warning rules (this app, for every
check-in, history included) and the weekly decision (``plans``, live ones only) subscribe
in their AppConfig.ready().
"""

from django.dispatch import Signal

checkin_committed = Signal()
