from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "hoshin.reviews"
    label = "reviews"
    verbose_name = "Governance reviews"
