"""The ways this app tells the world about what she reported.

``checkin_committed`` is sent after the transaction that wrote a check-in has committed
(``transaction.on_commit``), once per submit or edit, with:

- ``checkin_id``, ``athlete_id``;
- ``week``: its Monday;
- ``created``: True for a new check-in, False for an edit;
- ``live``: True when the week was open (checkins/windows.py) at the time it was written —
  a current week she or her coach reported, which may decide what comes next; False for
  history a coach entered for a week whose window had closed, which decides nothing for
  the future (SPEC §11). Receivers that act on the future must check it;
- ``red_flags_before`` (``list[str]``): on an edit, the red flags the check-in held before
  it (``clinical.symptoms.red_flags``); empty for a new one. A flag already there has
  already paused her plan (and her coach may have lifted that pause since): only a new one
  pauses again.

Receivers queue their own background work; the warning rules (this app, for every
check-in, history included) and the weekly decision (``plans``, live ones only) subscribe
in their AppConfig.ready().

``symptom_reported`` is sent after the transaction that wrote an anytime symptom report has
committed (``transaction.on_commit``), once per report, with:

- ``sender``: the ``SymptomReport`` class;
- ``report_id`` (int) and ``athlete_id`` (int);
- ``red_flags`` (``list[str]``): the red flags in the report, as the clinical core names them
  (``clinical.symptoms.red_flags``: ``"leakage"``, ``"urgency"``, ``"heaviness"``,
  ``"pelvic_pain"``, ``"abdominal_doming"``, then ``"bleeding"`` when it is late bleeding
  (``clinical.symptoms.late_bleeding``) and ``"pain"`` from ``clinical.thresholds.PAIN_HIGH``);
  empty when there is none;
- ``reported_on`` (``date``): the day she reported it, in her time zone.

Its flags are already stored and committed when it is sent (they are raised in the same
transaction as the report), so a receiver needs neither to raise them nor to wait for them.
Safety takes effect at once (SPEC §11): the plans layer subscribes and, when ``red_flags`` is
not empty, pauses her plan from ``reported_on``. It is sent with ``robust`` on-commit
handling: a receiver that fails is logged and never undoes the saved report.
"""

from django.dispatch import Signal

checkin_committed = Signal()
symptom_reported = Signal()
