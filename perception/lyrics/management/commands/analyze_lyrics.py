"""manage.py analyze_lyrics FILE [--json] | --batch DIR : print lyric reports."""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Analyse a lyric (FILE, or '-' for stdin) or every file in a folder (--batch DIR, one JSON line each)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A .txt/.lrc lyric file, or '-' to read stdin")
        parser.add_argument("--batch", metavar="DIR", help="Analyse every file in DIR; print one JSON line each")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")
        parser.add_argument("--variant", choices=("default", "baseline"), default="default",
                            help="Emotion model: fine-tuned (default) or the linear baseline")
        parser.add_argument("--no-explain", action="store_true", help="Skip the per-line explanations")

    def handle(self, *args, **options):
        from perception.lyrics.analysis.analyze import Analyzer
        from perception.lyrics.analysis.emotion import ModelUnavailable
        from motif.uploads import UploadRejected

        if bool(options["file"]) == bool(options["batch"]):
            raise CommandError("Give a FILE (or '-') or --batch DIR.")
        try:
            analyzer = Analyzer(variant=options["variant"])
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from None
        explain = not options["no_explain"]

        if options["batch"]:
            folder = Path(options["batch"])
            if not folder.is_dir():
                raise CommandError(f"{folder} is not a folder.")
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                try:
                    report = analyzer.analyze(path.read_bytes(), explain=explain)
                    line = {"file": path.name, **report}
                except UploadRejected as exc:
                    line = {"file": path.name, "error": str(exc)}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            return

        name = options["file"]
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}") from None
        try:
            report = analyzer.analyze(raw, explain=explain)
        except UploadRejected as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary(report))


def summary(report: dict) -> str:
    mood = report["mood"]
    out = [
        f"language {report['language']} · {len(report['lines'])} lines · rhyme {report['rhyme_scheme']}",
        f"mood {mood['quadrant']} (valence {mood['valence']:+.2f}, arousal {mood['arousal']:+.2f}, "
        f"confidence {mood['confidence']:.0%}) · emotion {report['emotion']['label']}",
        "keywords: " + ", ".join(k["text"] for k in report["keywords"]),
        "",
    ]
    for line in report["lines"]:
        out.append(f"{line['syllables']:>3} {line['rhyme']['letter']:>2}  {line['text'][:70]:<70} "
                   f"{line['emotion']['label']:<8} {line['sentiment']:+.2f}")
    out.append(f"\n{report['seconds']:.3f} s")
    return "\n".join(out)
