from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"

    def ready(self):
        from partners import auth  # noqa: F401  (connects the token revocation on password or activity changes)
