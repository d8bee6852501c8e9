from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.loading import DATA_DIR, Loader, LoadError


class Command(BaseCommand):
    help = (
        "Load the published PEEL facts (forces, years, pillars, questions, grades) and the demo narrative. "
        "Safe to run again: unchanged rows are left alone. Anything wrong in a file stops the load with "
        "file:line: reason, and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Folder holding the CSV files.")
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo narrative in data/demo/.")

    def handle(self, *args, data_dir, no_demo, **options):
        try:
            tally = Loader(data_dir, demo=not no_demo).run()
        except LoadError as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was loaded.") from None
        for line in tally.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("PEEL data loaded."))
