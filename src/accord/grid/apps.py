from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "accord.grid"
    label = "grid"
    verbose_name = "Grid"
