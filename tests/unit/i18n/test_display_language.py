"""Names the analysers produce in English are shown in the viewer's language."""
from django.utils import translation

from perception.lyrics.views import present

REPORT = {
    "lines": [],
    "sections": [{"kind": "stanza", "name": "Stanza 2", "lines": []}, {"kind": "chorus", "name": "", "lines": []},
                 {"kind": "verse", "name": "Verse 2: Ana", "lines": []}, {"kind": "verse", "name": "Verse", "lines": []},
                 {"kind": "chorus", "name": "Chorus 2", "lines": []}, {"kind": "chorus", "name": "副歌", "lines": []}],
    "themes": [{"theme": "party & dance", "cues": ["dance"]}],
}


def test_lyric_themes_and_section_names_follow_the_viewer_language():
    view = present(REPORT)
    with translation.override("zh-hans"):
        assert [str(t["name"]) for t in view["themes"]] == ["派对与舞蹈"]
        assert [str(s["name"]) for s in present(REPORT)["sections"]] == ["段落 2", "副歌", "Verse 2: Ana", "主歌", "副歌 2", "副歌"]
    with translation.override("en"):
        assert str(view["themes"][0]["name"]) == "party & dance"
