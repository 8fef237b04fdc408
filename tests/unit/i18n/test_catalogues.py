"""Chinese is complete: every catalogue entry translated, every marked string in a catalogue,
no visible template or script text left unmarked."""
import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from tests.unit.i18n.unmarked import unmarked_in_script, unmarked_in_template

ROOT = Path(__file__).resolve().parents[3]
# A static page served when everything else failed: it carries both languages itself.
BILINGUAL_BY_DESIGN = {"templates/errors/500.html"}
GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def tracked(*patterns):
    listed = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listed.stdout.split() if "/vendor/" not in name]


def catalogue_files():
    return tracked("*/zh_Hans/LC_MESSAGES/*.po")


def templates():
    return [path for path in tracked("*.html", "*.txt") if "templates" in path.parts
            and str(path.relative_to(ROOT)) not in BILINGUAL_BY_DESIGN]


def scripts():
    return tracked("static/*.js")


@pytest.mark.parametrize("catalogue", catalogue_files(), ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("kind", ["--untranslated", "--only-fuzzy"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue, kind):
    left = subprocess.run(["msgattrib", kind, "--no-obsolete", "--no-wrap", str(catalogue)],
                          capture_output=True, text=True, check=True).stdout
    msgids = [line for line in re.findall(r'^msgid "(.*)"$', left, re.M) if line]
    assert not msgids, f"{kind[2:]} in {catalogue.relative_to(ROOT)}: {msgids}"


def python_msgids(path):
    """String literals passed to gettext and friends in one Python module."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in GETTEXT_FUNCTIONS:
                yield node.args[0].value


_TEMPLATIZED = re.compile(r"""\b(?:gettext|ngettext)\(u'((?:[^'\\]|\\.)*)'""")


def template_msgids(path):
    """msgids of ``{% translate %}`` and ``{% blocktranslate %}`` in one template, as xgettext sees them."""
    for literal in _TEMPLATIZED.findall(templatize(path.read_text(), origin=str(path))):
        yield ast.literal_eval(f"'{literal}'")


_JS_GETTEXT = re.compile(r"""\bgettext\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*\)""")


def script_msgids(path):
    for _quote, literal in _JS_GETTEXT.findall(path.read_text()):
        yield ast.literal_eval(f'"{literal}"')


def first_party_python():
    return [path for path in tracked("*.py") if path.parts[len(ROOT.parts)] not in {"tests", "benchmarks"}
            and "migrations" not in path.parts]


def translated(catalogue, msgid):
    """Whether ``msgid`` (singular, or the singular of a plural) is in ``catalogue``."""
    return msgid in catalogue or (msgid, 0) in catalogue


def test_every_marked_string_has_a_chinese_translation():
    catalogue = trans_real.translation("zh-hans")._catalog
    missing = sorted({
        f"{path.relative_to(ROOT)}: {msgid}"
        for paths, extract in ((first_party_python(), python_msgids), (templates(), template_msgids))
        for path in paths for msgid in extract(path) if msgid and not translated(catalogue, msgid)
    })
    assert not missing, "Marked for translation but missing from the zh_Hans catalogues:\n" + "\n".join(missing)


def test_every_script_string_has_a_chinese_translation():
    catalogue = trans_real.DjangoTranslation("zh-hans", domain="djangojs")._catalog
    missing = sorted({f"{path.relative_to(ROOT)}: {msgid}" for path in scripts()
                      for msgid in script_msgids(path) if not translated(catalogue, msgid)})
    assert not missing, "Missing from the zh_Hans djangojs catalogues:\n" + "\n".join(missing)


def test_templates_mark_every_visible_string():
    unmarked = [f"{path.relative_to(ROOT)}: {text}" for path in templates() for text in unmarked_in_template(path.read_text())]
    assert not unmarked, "Visible template text not marked for translation:\n" + "\n".join(unmarked)


def test_scripts_mark_every_visible_string():
    unmarked = [f"{path.relative_to(ROOT)}: {text}" for path in scripts() for text in unmarked_in_script(path.read_text())]
    assert not unmarked, "Script text shown to people without gettext:\n" + "\n".join(unmarked)


def test_the_unmarked_text_finder_finds_what_it_should():
    assert unmarked_in_template('<p title="Play it">{% translate "Hello" %} world</p>') == ["Play it", "world"]
    assert unmarked_in_template('{% blocktranslate %}Hi {{ name }}{% endblocktranslate %} <b>{{ x }}</b> MIDI') == []
    assert unmarked_in_script('node.textContent = "Saved"; el("b", {text: gettext("Saved")});') == ["Saved"]
    assert unmarked_in_script("status.textContent = `${n} ${strings.notes}`;") == []
