from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and warning signs"

    def ready(self) -> None:
        from . import receivers
        from .signals import checkin_committed

        checkin_committed.connect(
            receivers.queue_warning_evaluation, dispatch_uid="checkins.queue_warning_evaluation"
        )
