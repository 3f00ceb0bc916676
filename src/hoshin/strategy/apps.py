from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "hoshin.strategy"
    label = "strategy"
    verbose_name = "Strategy"
