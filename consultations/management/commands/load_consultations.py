from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultations.loading import DATA_DIR, ConsultationLoader
from inspections.loading import LoadError


class Command(BaseCommand):
    help = (
        "Load the consultations in data/consultations/ (a closed one with its outcome, and an open demonstration). "
        "Safe to run again: unchanged rows are left alone and responses are never touched. Anything wrong in a "
        "file stops the load with file:where: reason, and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Folder holding the TOML files.")

    def handle(self, *args, data_dir, **options):
        try:
            tally = ConsultationLoader(data_dir).run()
        except LoadError as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was loaded.") from None
        for line in tally.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Consultations loaded."))
