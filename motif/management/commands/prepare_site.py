"""Get a local site ready to serve: seed the demo catalogue, say how to start.

Interrupted jobs are picked up by the server itself when it starts (``jobs.startup``)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command, get_commands


class Command(BaseCommand):
    help = "Prepare the site for `make run`: seed demo data on an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the site will be served")

    def handle(self, *args, **options):
        if "seed_demo" in get_commands():
            call_command("seed_demo")
        url = options["url"].rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"\nMotif is starting on {url} ({settings.MOTIF_MODE} mode)."))
        self.stdout.write(f"  Sign up:          {url}/accounts/signup/")
        if not get_user_model().objects.filter(is_superuser=True).exists():
            self.stdout.write("  Create an admin:  .venv/bin/python manage.py createsuperuser")
        self.stdout.write(f"  Admin:            {url}/admin/   API docs: {url}/api/docs/\n")
