from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "accord.grid"
    label = "grid"
    verbose_name = "Grid"

    def ready(self) -> None:
        from accord.core import retention
        from accord.grid.visits import visits_purge_expired

        retention.register("grid_visit", "delete", visits_purge_expired)

        # Residents are told of each step of their case (core.notifications). The hook is
        # published by cases; before it exists the handler is simply not registered.
        try:
            from accord.cases.hooks import CASE_CHANGED
        except ImportError:
            CASE_CHANGED = None
        if CASE_CHANGED is not None:
            from accord.grid.notify import on_case_changed

            CASE_CHANGED.register(on_case_changed)
