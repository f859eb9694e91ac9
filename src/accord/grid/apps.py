from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "accord.grid"
    label = "grid"
    verbose_name = "Grid"

    def ready(self) -> None:
        from accord.core import retention
        from accord.grid.visits import visits_purge_expired

        retention.register("grid_visit", "delete", visits_purge_expired)

        # Residents are told of each step of their case (core.notifications).
        from accord.cases.hooks import CASE_CHANGED
        from accord.grid.notify import on_case_changed

        CASE_CHANGED.register(on_case_changed)
