"""clean: what a statement is matched as, whichever of its substitutions apply."""

import pytest

from ingest.readers.cleaning import clean


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("plain words", "plain words"),
        ("  - bullet item  ", "bullet item"),
        ("1. numbered item", "numbered item"),
        ("a) lettered item", "lettered item"),
        ("• dotted\titem", "dotted item"),
        ("see [the guide](http://x.y/z) now", "see the guide now"),
        ("see <https://x.y/z> now", "see now"),
        ("Reposi--\n tones", "Repositones"),
        ("**bold** and `code` and __under__", "bold and code and under"),
        ('say "quoted" words', "say quoted words"),
        ("“curly” – dash…", "curly - dash..."),
        ("spaces\u00a0\u2003 and\n\nlines", "spaces and lines"),
        ("under_score stays", "under_score stays"),
        ("¹ superscript is no bullet", "¹ superscript is no bullet"),
        ("- ", ""),
        ("", ""),
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned
