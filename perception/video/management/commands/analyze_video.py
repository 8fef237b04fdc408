"""``manage.py analyze_video FILE [--json]``: analyse a music video from the command line."""

import json

from django.core.management.base import BaseCommand, CommandError

from perception.video import services
from perception.video.analysis import AnalysisOptions, VideoError, analyze_video
from perception.video.analysis.shots import DEFAULT_DETECTOR, SHOT_DETECTORS


class Command(BaseCommand):
    help = "Analyse a music video: shots, faces, colour, motion, tempo and cuts against the beat."
    # The system checks import every URL conf (about 2 s); the analysis needs none of it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="video file (MP4, MOV, MKV, WebM)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--detector", default=DEFAULT_DETECTOR,
            help=f"shot detector: {', '.join(SHOT_DETECTORS)}, or a combination such as fast+adaptive",
        )
        parser.add_argument("--contact-sheet", metavar="PNG", help="also write a contact sheet to this file")
        parser.add_argument("--no-audio", action="store_true", help="skip the tempo and beat analysis")

    def handle(self, *args, **options):
        try:
            probe = services.probe_file(options["file"])
            analysis_options = AnalysisOptions.from_env(
                detector=options["detector"], with_audio=not options["no_audio"]
            )
            result = analyze_video(options["file"], analysis_options, probe=probe)
        except (VideoError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if options["contact_sheet"]:
            with open(options["contact_sheet"], "wb") as fh:
                fh.write(result.contact_sheet_png(title=options["file"]))
        report = result.report
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        tempo = f"{report['tempo_bpm']:.1f} BPM" if report["tempo_bpm"] else "no beat found"
        on_beat = report["cuts_on_beat_ratio"]
        self.stdout.write(
            f"{report['duration']:.1f} s at {report['fps']:g} fps, {len(report['shots'])} shots, "
            f"{report['cuts_per_minute']:.1f} cuts/min, average shot {report['average_shot_length']:.2f} s, "
            f"{tempo}, cuts on the beat: {'-' if on_beat is None else f'{on_beat:.0%}'} "
            f"(analysed in {report['seconds']:.1f} s)"
        )
        self.stdout.write(f"{'#':>3} {'start':>8} {'end':>8} {'entered':>8} {'faces':>5} {'bright':>6} {'motion':>6}"
                          "  label  palette")
        for i, shot in enumerate(report["shots"], 1):
            colours = " ".join(c["hex"] for c in shot["palette"][:3])
            self.stdout.write(
                f"{i:>3} {shot['start']:>8.2f} {shot['end']:>8.2f} {shot['entered_by']:>8} {shot['faces']:>5} "
                f"{shot['brightness']:>6.2f} {shot['motion']:>6.3f}  {shot['label']}  {colours}"
            )
