from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and warning signs"

    # Its own warning rules run after every receiver of checkin_committed (services._announce).
