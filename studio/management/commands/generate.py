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
        parser.add_argument("--bars", type=int, choices=[2, 4, 8, 16], default=4,
                            help="2 or 4 for the GAN; 2, 4, 8 or 16 for the VAE")
        parser.add_argument("--metre", default="4/4", help="time signature (VAE): 2/4 3/4 4/4 2/2 6/8 9/8 12/8 3/2")
        parser.add_argument("--chords", default="", help='VAE: a progression such as "Am F C G" (one a bar, '
                                                        'repeating) or "Am F | C G7" (bars split by |)')
        parser.add_argument("--key", default="C")
        parser.add_argument("--tempo", type=float, default=120.0)
        parser.add_argument("--temperature", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--out", default="generated")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        from studio import services
        from studio.music.chords import format_progression, parse_progression
        from studio.music.export import to_midi, to_musicxml

        started = time.time()
        try:
            chords = parse_progression(opts["chords"], opts["metre"], opts["bars"]) if opts["chords"] else None
            sketches = services.sample(opts["model"], opts["count"], opts["bars"], key=opts["key"], tempo=opts["tempo"],
                                       temperature=opts["temperature"], seed=opts["seed"], metre=opts["metre"],
                                       chords=chords)
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
            rows.append({"midi": str(midi), "musicxml": str(xml), "notes": len(sketch.notes), "bars": sketch.bars,
                         "metre": sketch.metre, "chords": format_progression(sketch.chords, sketch.metre)})
        result = {"sketches": rows, "seconds": round(time.time() - started, 3)}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for row in rows:
                self.stdout.write(f"{row['midi']}  {row['musicxml']}  ({row['notes']} notes, {row['bars']} bars of "
                                  f"{row['metre']})")
