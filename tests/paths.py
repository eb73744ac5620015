"""Where the tests find the project and their own files, wherever the test lives."""

from pathlib import Path

#: The tests' folder and the project's root.
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
#: ``streamlit run`` and AppTest start this file.
APP = ROOT / "app.py"
#: Golden files, the hostile upload corpus, news-report excerpts, screenshots.
DATA = TESTS / "data"
CORPUS = TESTS / "corpus"
REPORTS = TESTS / "reports"
ARTIFACTS = TESTS / "artifacts"
#: The user's news report (beside the checkout, as CI provides it).
SEED = ROOT.parent / "shared" / "seed-report.txt"
