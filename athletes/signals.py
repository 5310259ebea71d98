"""``athlete_created`` is sent inside the transaction that created an athlete profile (with
``athlete``), so that the layers above can set up what belongs to her in the same
transaction: the plans layer starts her plan."""

from django.dispatch import Signal

athlete_created = Signal()
