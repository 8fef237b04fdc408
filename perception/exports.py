"""'Download my data' for the perception app: one key per analysis."""


def export_user_data(user) -> dict:
    from perception.lyrics_services import export_reports

    return {
        "lyric_reports": export_reports(user),
    }
