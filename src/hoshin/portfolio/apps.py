from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "hoshin.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
