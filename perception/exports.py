"""'Download my data' for the perception app: one key per analysis."""


def export_user_data(user) -> dict:
    from perception.lyrics.services import export_reports
    from perception.video.services import export_reports as export_video_reports

    return {
        "lyric_reports": export_reports(user),
        "video_reports": export_video_reports(user),
    }
