"""``manage.py generate``: write new sketches from the studio models as MIDI and MusicXML files."""
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate melodies (vae) or four-voice passages (gan) as .mid and .musicxml files."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=["vae", "gan"], required=True)
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--bars", type=int, choices=[2, 4], default=4)
        parser.add_argument("--key", default="C")
        parser.add_argument("--tempo", type=float, default=120.0)
        parser.add_argument("--temperature", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--out", default="generated")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        from studio import services
        from studio.music.export import to_midi, to_musicxml

        started = time.time()
        try:
            sketches = services.sample(opts["model"], opts["count"], opts["bars"], key=opts["key"], tempo=opts["tempo"],
                                       temperature=opts["temperature"], seed=opts["seed"])
        except (ValueError, services.ModelUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        rows = []
        for i, sketch in enumerate(sketches):
            stem = out / f"{opts['model']}-{opts['seed'] if opts['seed'] is not None else 'r'}-{i + 1:03d}"
            midi, xml = stem.with_suffix(".mid"), stem.with_suffix(".musicxml")
            midi.write_bytes(to_midi(sketch))
            xml.write_bytes(to_musicxml(sketch))
            rows.append({"midi": str(midi), "musicxml": str(xml), "notes": len(sketch.notes), "bars": sketch.bars})
        result = {"sketches": rows, "seconds": round(time.time() - started, 3)}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for row in rows:
                self.stdout.write(f"{row['midi']}  {row['musicxml']}  ({row['notes']} notes, {row['bars']} bars)")
