"""Reading a news report: dates, places, claims, verdicts, the command and bad input."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time

import pytest

from geodata.cli import main
from geodata.reader import ReadError, extract, read_report, read_source
from geodata.reader.dates import find_dates, find_published, parse_published
from geodata.reader.fetch import fetch
from tests.paths import SEED
from tests.reader_eval import REPORTS, evaluate


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def no_zakho(builtin):
    """The built-in data without Zakho (whether it has it or not): a town it does not know."""
    from geodata.dataset import Dataset

    spelled = builtin.places["name"].str.contains("Zakho|Zaxo", case=False) | builtin.places[
        "aliases"
    ].fillna("").str.contains("Zakho|Zaxo", case=False)
    gone = set(builtin.places.loc[spelled, "id"])
    return Dataset(
        builtin.places[~builtin.places["id"].isin(gone)].reset_index(drop=True),
        builtin.events[~builtin.events["place_id"].isin(gone)],
        name="built-in without Zakho",
    )


def claims_of(report):
    return {(c.place_id, c.kind, c.controller, c.previous, c.date): c for c in report.claims}


# ----------------------------------------------------------------------------- seed report


@pytest.fixture(scope="module")
def seed(builtin):
    if not SEED.exists():
        pytest.skip("shared/seed-report.txt is not beside the repository")
    return read_report(SEED.read_text(encoding="utf-8"), builtin)


def test_seed_report_every_fact(seed):
    assert seed.published == "2016-03-27"
    assert seed.title == "Syrian military, allies takes control of Palmyra"
    places = {p.id: p for p in seed.places}
    assert set(places) == {
        "palmyra", "deir-ez-zor", "raqqa", "ramadi", "tikrit", "al-shaddadi", "mosul",
    }  # fmt: skip
    assert {"Tadmur", "Palmyra"} <= set(places["palmyra"].mentions)
    assert {"Deir Ezzour", "Deir al-Zor"} <= set(places["deir-ez-zor"].mentions)
    assert {"al-Shadadi", "Shadadi"} <= set(places["al-shaddadi"].mentions)
    claims = claims_of(seed)
    retaken = claims[("palmyra", "capture", "SYGOV", "ISIS", "2016-03-27")]
    assert retaken.verdict == "agrees" and retaken.event_id == "palmyra-5"
    assert "Source:" in retaken.note
    held = claims[("palmyra", "held", "ISIS", None, "2015-05")]
    assert held.verdict == "agrees" and held.event_id == "palmyra-3"
    assert claims[("ramadi", "loss", None, "ISIS", "2015-12")].verdict == "agrees"
    assert claims[("tikrit", "loss", None, "ISIS", "2015")].verdict == "agrees"
    assert claims[("al-shaddadi", "loss", None, "ISIS", "2016-02")].verdict == "agrees"
    assert claims[("mosul", "held", "ISIS", None, "2016-03-27")].verdict == "agrees"
    assert claims[("raqqa", "held", "ISIS", None, "2016-03-27")].verdict == "agrees"
    assert all(c.verdict != "disagrees" for c in seed.claims)


def test_cli_read_seed_json_has_exactly_the_issue_keys(capsys):
    if not SEED.exists():
        pytest.skip("no seed report")
    code, out, err = run(capsys, "read", str(SEED), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["published", "title", "places", "claims"]
    assert doc["published"] == "2016-03-27"
    assert list(doc["places"][0]) == ["id", "name", "lat", "lon", "mentions"]
    assert list(doc["claims"][0]) == [
        "place_id", "name", "lat", "lon", "kind", "controller", "previous", "date", "text",
        "verdict", "event_id", "note",
    ]  # fmt: skip
    assert {c["verdict"] for c in doc["claims"]} <= {
        "agrees",
        "disagrees",
        "not-in-data",
        "unclear",
    }


def test_cli_read_text_output_and_stdin(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Syrian government forces recaptured Palmyra."))
    )
    code, out, err = run(capsys, "read", "-", "--published", "2016-03-27")
    assert code == 0, err
    assert "AGREES" in out and "Palmyra" in out


def test_cli_read_errors(capsys, tmp_path):
    code, _out, err = run(capsys, "read", str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["read", "x.txt", "--published", "27/03/2016"])
    assert exit_info.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    code, _out, err = run(capsys, "read", "file:///etc/passwd")
    assert code == 1 and "only http and https" in err
    code, _out, err = run(capsys, "read", "http://127.0.0.1:9/")
    assert code == 1 and "refused" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "line, want",
    [
        ("27 March 2016", "2016-03-27"),
        ("March 27, 2016", "2016-03-27"),
        ("Sunday, 22 January 2017 12:53", "2017-01-22"),
        ("Published Date: 12:00 | 18 March 2018", "2018-03-18"),
        ("03.27.16, 14:29", "2016-03-27"),
        ("Date: 2015/01/26", "2015-01-26"),
    ],
)
def test_publication_date_lines(line, want):
    assert str(parse_published(line)) == want
    assert str(find_published(f"Some headline about Raqqa today\n{line}\nBody text.")) == want


@pytest.mark.parametrize(
    "phrase, want",
    [
        ("said on Sunday", "2016-03-27"),
        ("clashes on Tuesday", "2016-03-22"),
        ("the city last year", "2015"),
        ("the town in February", "2016-02"),
        ("three months after fighters", "2015-12"),
        ("held since May 2015", "2015-05"),
        ("taken last week", "2016-03"),
        ("seized it in May", "2015-05"),
        ("two weeks ago", "2016-03"),
        ("on 16 June 2015", "2015-06-16"),
    ],
)
def test_relative_dates_against_the_publication_date(phrase, want):
    found = find_dates(phrase, dt.date(2016, 3, 27))
    assert [str(span) for _a, _b, span in found] == [want]


# ----------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    "spelling, place",
    [
        ("Tadmur", "palmyra"), ("Deir Ezzour", "deir-ez-zor"), ("Deir al-Zor", "deir-ez-zor"),
        ("Deir el-Zour", "deir-ez-zor"), ("al-Shadadi", "al-shaddadi"), ("Shadadi", "al-shaddadi"),
        ("Tell Abiad", "tal-abyad"), ("Arbil", "erbil"), ("الموصل", "mosul"),
    ],
)  # fmt: skip
def test_every_spelling_is_found(builtin, spelling, place):
    report = read_report(f"Fighting was reported near {spelling} yesterday.", builtin)
    assert [p.id for p in report.places] == [place]
    assert report.places[0].mentions == [spelling]


def test_towns_outside_the_data_have_no_id(no_zakho):
    report = read_report("Refugees reached Zakho on foot.", no_zakho)
    assert len(report.places) == 1
    assert report.places[0].id is None and report.places[0].mentions == ["Zakho"]


def test_provinces_and_countries_are_not_towns(builtin):
    text = (
        "Air strikes hit targets in Deir e-Zor Province as well as in Aleppo and Idlib Provinces. "
        "Turkey and Syria traded accusations. Fighting went on in Raqqa province and "
        "the province of Homs, while the Iraqi army held Anbar."
    )
    assert read_report(text, builtin).places == []


def test_a_name_shared_with_a_province_is_the_town_with_a_note(builtin):
    report = read_report("Islamic State holds Raqqa.\n27 March 2016", builtin)
    assert report.places[0].id == "raqqa"
    assert "province" in report.places[0].note
    assert "province" in report.claims[0].note


def test_ordinary_words_are_not_towns(builtin):
    text = (
        "The army hit back as the state said the bridge and the camp were safe. "
        "Hayat Tahrir al-Sham and Jabhat Fateh al-Sham fought; Ana said so. "
        "The Mosul Dam was repaired."
    )
    ids = [p.id for p in read_report(text, builtin).places]
    assert "damascus" not in ids and "hit" not in ids and "anah" not in ids


# ----------------------------------------------------------------------------- claims


@pytest.mark.parametrize(
    "sentence, place, kind, controller, previous",
    [
        ("Syrian government forces recaptured Palmyra.", "palmyra", "capture", "SYGOV", None),
        ("The army retook Ramadi on Monday.", "ramadi", "capture", "IQGOV", None),
        ("The regime seized Palmyra from ISIS.", "palmyra", "capture", "SYGOV", "ISIS"),
        ("Kurdish forces captured Kobani.", "kobani", "capture", "SDF", None),
        ("Kurdish forces captured Sinjar.", "sinjar", "capture", "KRG", None),
        ("Peshmerga fighters liberated Bashiqa.", "bashiqa", "capture", "KRG", None),
        ("Turkish-backed rebels took full control of al-Bab.", "al-bab", "capture", "TURKEY", None),
        ("Rebels stormed Idlib.", "idlib", "contested", "REBELS", None),
        ("HTS seized Idlib from the rebels.", "idlib", "capture", "NUSRA", "REBELS"),
        ("Mosul fell to Islamic State.", "mosul", "capture", "ISIS", None),
        ("Daesh was driven out of Fallujah.", "fallujah", "loss", None, "ISIS"),
        ("ISIL lost Tikrit.", "tikrit", "loss", None, "ISIS"),
        ("IS withdrew from Manbij.", "manbij", "loss", None, "ISIS"),
        ("Islamic State pulled out of Dabiq.", "dabiq", "loss", None, "ISIS"),
        ("The SDF entered Raqqa.", "raqqa", "contested", "SDF", None),
        ("The army broke the siege of Deir ez-Zor.", "deir-ez-zor", "contested", "SYGOV", None),
        ("The YPG took half the town of Manbij.", "manbij", "contested", "SDF", None),
        ("Iraqi forces retook east Mosul.", "mosul", "contested", "IQGOV", None),
        ("Iraqi troops seized the government complex in Ramadi.", "ramadi", "contested", "IQGOV",
         None),
    ],
)  # fmt: skip
def test_control_phrases_and_actors(builtin, sentence, place, kind, controller, previous):
    report = read_report(sentence, builtin, published="2016-08-01")
    got = [(c.place_id, c.kind, c.controller, c.previous) for c in report.claims]
    assert got == [(place, kind, controller, previous)]


def test_intentions_are_not_claims(builtin):
    text = "The army launched a campaign to retake Palmyra. It aims at capturing Raqqa."
    assert read_report(text, builtin, published="2016-03-20").claims == []


def test_the_city_refers_to_the_last_place_named(builtin):
    text = "Palmyra was quiet on Saturday.\nThe army took complete control of the city on Sunday."
    report = read_report(text, builtin, published="2016-03-27")
    assert [(c.place_id, c.kind, c.controller, c.date) for c in report.claims] == [
        ("palmyra", "capture", "SYGOV", "2016-03-27")
    ]


# ----------------------------------------------------------------------------- verdicts


def test_verdicts(no_zakho):
    text = (
        "Syrian government forces recaptured Palmyra on Sunday. "
        "ISIS captured Mosul on Sunday. "
        "Kurdish forces captured Zakho on Sunday."
    )
    report = read_report(text, no_zakho, published="2016-03-27")
    verdicts = {c.name: c for c in report.claims}
    assert verdicts["Palmyra"].verdict == "agrees"
    mosul = verdicts["Mosul"]
    assert mosul.verdict == "disagrees" and mosul.event_id and "held by Islamic State" in mosul.note
    assert next(c for c in report.claims if c.place_id is None).verdict == "not-in-data"


def test_a_capture_a_few_days_off_is_unclear_not_wrong(builtin):
    report = read_report("The army retook Palmyra on 20 March 2016.", builtin)
    claim = report.claims[0]
    assert claim.verdict == "unclear" and claim.event_id == "palmyra-5"


def test_no_date_at_all_is_unclear(builtin):
    report = read_report("The army retook Palmyra.", builtin)
    assert report.published is None
    assert report.claims[0].verdict == "unclear"


# ----------------------------------------------------------------------------- the reports


def test_reports_reach_the_targets():
    totals = evaluate(REPORTS)["totals"]
    assert totals["place_recall"] >= 0.85
    assert totals["claim_recall"] >= 0.70
    assert totals["place_precision"] >= 0.8 and totals["claim_precision"] >= 0.7


@pytest.mark.parametrize("folder", ["holdout", "holdout2"])
def test_held_out_reports_reach_the_targets(folder):
    totals = evaluate(REPORTS / folder)["totals"]
    assert totals["place_recall"] >= 0.85
    assert totals["claim_recall"] >= 0.70


# ----------------------------------------------------------------------------- HTML and bad input


PAGE = """<!doctype html><html><head><title>Kurdish forces take Kobani</title>
<meta property="article:published_time" content="2015-01-26T17:11:00Z">
<script>document.write('<p>Rebels captured Aleppo</p>'); fetch('/steal')</script>
<style>p { color: red }</style></head><body>
<nav><a href="/">Home</a> <a href="/x">Latest: Baghdad falls</a></nav>
<header>Menu World Middle East Tikrit Mosul</header>
<article><h1>Kurdish forces take Kobani</h1>
<p>Kurdish forces took back control of the Syrian town of Kobani on Monday, driving out the
Islamic State fighters after nearly four months of fighting, the Syrian Observatory said.</p>
<p>The Syrian Kurdish forces were backed by near daily US-led air strikes around the town,
and by Iraqi Kurdish Peshmerga forces since October.</p>
<img src=x onerror="alert(1)"><iframe src="javascript:alert(2)"></iframe>
<p>Residents who fled to Turkey said they hoped to return soon, once the mines are cleared
from their streets and their houses.</p>
</article>
<footer>Copyright. Related: Ramadi, Palmyra</footer></body></html>"""


def test_html_article_body_only_and_no_script(builtin):
    text = extract(PAGE)
    assert text.kind == "html"
    assert "Kobani" in text.text
    for absent in ("document.write", "fetch(", "alert", "color: red", "Home", "Copyright"):
        assert absent not in text.text
    report = read_report(PAGE, builtin)
    assert report.published == "2015-01-26"
    assert report.title == "Kurdish forces take Kobani"
    assert [p.id for p in report.places] == ["kobani"]
    assert [(c.place_id, c.kind, c.controller, c.verdict) for c in report.claims] == [
        ("kobani", "capture", "SDF", "agrees")
    ]


def test_huge_file_is_refused_quickly(capsys, tmp_path, builtin):
    big = tmp_path / "big.txt"
    big.write_bytes(b"Palmyra was retaken. " * 200_000)
    start = time.monotonic()
    code, _out, err = run(capsys, "read", str(big))
    assert code == 1 and "at most" in err
    with pytest.raises(ReadError):
        read_source(big.read_bytes(), builtin)
    assert time.monotonic() - start < 5


def test_binary_junk_is_refused(capsys, tmp_path, builtin):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    code, _out, err = run(capsys, "read", str(junk))
    assert code == 1 and "binary" in err
    with pytest.raises(ReadError, match="binary"):
        read_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500), builtin)


# ----------------------------------------------------------------------------- URLs


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, body: bytes, ctype="text/html; charset=utf-8", status=200, headers=()):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader hung up on purpose (too large, timed out)

    def do_GET(self):
        if self.path == "/report":
            self._send(PAGE.encode())
        elif self.path == "/hang":
            time.sleep(3)
            self._send(b"too late")
        elif self.path == "/to-file":
            self._send(b"", status=302, headers=[("Location", "file:///etc/passwd")])
        elif self.path == "/to-private":
            self._send(b"", status=302, headers=[("Location", "http://10.1.2.3/report")])
        elif self.path == "/to-report":
            self._send(b"", status=301, headers=[("Location", "/report")])
        elif self.path == "/binary":
            self._send(bytes(2000), ctype="application/octet-stream")
        elif self.path == "/big":
            self._send(b"a" * 3_000_000, ctype="text/plain")
        else:
            self._send(b"nothing here", status=404)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_read_through_the_allow_list(server, builtin):
    report = read_source(f"{server}/to-report", builtin, allow_hosts=["127.0.0.1"])
    assert report.url == f"{server}/report"
    assert [c.place_id for c in report.claims] == ["kobani"]


def test_cli_reads_a_url_with_allow_host(server, capsys):
    code, out, err = run(capsys, "read", f"{server}/report", "--allow-host", "127.0.0.1", "--json")
    assert code == 0, err
    assert json.loads(out)["claims"][0]["place_id"] == "kobani"


def test_loopback_refused_without_the_allow_list(server):
    with pytest.raises(ReadError, match="refused"):
        fetch(f"{server}/report")
    with pytest.raises(ReadError, match="refused"):
        fetch(server.replace("127.0.0.1", "localhost") + "/report")


def test_redirects_to_file_and_private_addresses_are_refused(server):
    with pytest.raises(ReadError, match="only http and https"):
        fetch(f"{server}/to-file", allow_hosts=["127.0.0.1"])
    with pytest.raises(ReadError, match="refused: 10.1.2.3"):
        fetch(f"{server}/to-private", allow_hosts=["127.0.0.1"])


def test_a_url_that_hangs_times_out(server):
    start = time.monotonic()
    with pytest.raises(ReadError, match="timed out"):
        fetch(f"{server}/hang", allow_hosts=["127.0.0.1"], timeout=0.5)
    assert time.monotonic() - start < 2.5


def test_binary_and_oversized_urls_are_refused(server):
    with pytest.raises(ReadError, match="not a text or HTML page"):
        fetch(f"{server}/binary", allow_hosts=["127.0.0.1"])
    with pytest.raises(ReadError, match="bytes"):
        fetch(f"{server}/big", allow_hosts=["127.0.0.1"])


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "data:text/html,hi", "javascript:alert(1)", "http://169.254.169.254/",
     "http://[::1]/", "http://0.0.0.0/", "http://192.168.1.1/"],
)  # fmt: skip
def test_other_schemes_and_private_hosts_are_refused(url):
    with pytest.raises(ReadError, match="refused"):
        fetch(url, timeout=1)


# ----------------------------------------------------------------------------- claims as rows


def test_claims_become_rows_of_the_users_data_and_bad_ones_are_listed(no_zakho):
    builtin = no_zakho
    from geodata.reader.rows import add_claims

    text = (
        "Kurdish forces captured Zakho on Sunday. Rebels captured Palmyra on Sunday. "
        "ISIS captured Mosul on 2 March 2016. ISIS entered Baghdad on Sunday. ISIS holds Raqqa."
    )
    report = read_report(text, builtin, published="2016-03-27")
    url = "https://example.org/report"
    out = add_claims(report, builtin, source_url=url, verdicts=("not-in-data", "disagrees"))
    assert out.result is not None and out.result.dataset is not None
    assert [(r["place"], r["kind"], r["certainty"]) for r in out.added] == [
        ("Zakho", "initial", "low"), ("Zakho", "capture", "low"), ("Baghdad", "contest", "low"),
    ]  # fmt: skip
    # Palmyra: the government retook it that day; Mosul: ISIS cannot take it from itself.
    assert sorted(r["place"] for r in out.refused) == ["Mosul", "Palmyra"]
    assert all(r["problem"] for r in out.refused)
    events = out.result.dataset.events
    assert (events["source_url"] == "https://example.org/report").sum() == 3
    assert len(builtin.events) < len(events)  # the data it was added to is untouched
