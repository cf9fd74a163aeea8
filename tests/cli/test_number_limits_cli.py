"""Numbers no record can have, and bytes that are not text, are refused on the command line with a sentence."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import RunCli, assert_plain_failure

HUGE = "100000000000000000000"


def _partnerships(run_cli: RunCli) -> list[dict[str, object]]:
    result = run_cli("list", "partnerships", "--json")
    assert result.returncode == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def test_numbers_out_of_range_are_refused_naming_the_argument(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Houston, TX").returncode == 0
    before = _partnerships(run_cli)
    note = tmp_path / "note.txt"
    note.write_text("minutes\n", encoding="utf-8")
    refusals = [
        (("search", "Houston", "--limit", "9223372036854775808"), "--limit: '9223372036854775808' is not a whole"),
        (("search", "Houston", "--limit", "0"), "--limit: '0' is not a whole number from 1 to 2,147,483,647"),
        (("attach", "--to", f"partnership:{HUGE}", str(note)), f"'{HUGE}' is not the number of a record"),
        (("save-attachment", HUGE, str(tmp_path / "out.txt")), f"ID: '{HUGE}' is not the number of a record"),
        (("respond", "--check", HUGE), f"--check: '{HUGE}' is not the number of a record"),
        (("respond", "--inquiry", HUGE), f"--inquiry: '{HUGE}' is not the number of a record"),
        (("respond", "--supersede", "2147483648"), "--supersede: '2147483648' is not the number of a record"),
        (("narrative", "1", HUGE, "--text", "x"), f"QUESTION_NUMBER: '{HUGE}' is not a whole number"),
        (("question", "remove", "1", "9" * 5000), "QUESTION_NUMBER: '9999"),
        (("edit", "partnership:1", "--established-year", str(2**63)), "(not 9,223,372,036,854,775,808)"),
        (("edit", "partnership:1", "--notes", "a\udcffb"), "The value of --notes holds bytes that are not text"),
    ]
    for arguments, expected in refusals:
        result = run_cli(*arguments)
        assert_plain_failure(result)
        assert expected in result.stderr, (arguments, result.stderr)
        assert "Something unexpected" not in result.stderr
    assert _partnerships(run_cli) == before
    assert not (tmp_path / "out.txt").exists()


def test_an_argument_of_bytes_that_are_not_text_is_refused(run_cli: RunCli) -> None:
    assert run_cli("init").returncode == 0
    # Undecodable bytes reach the program as lone surrogates, as they do from a shell.
    for arguments, expected in [
        (("search", "Hou\udcffston"), "The argument QUERY holds bytes that are not text"),
        (("new", "partner", "--name", "Ab\udcffc", "--country-code", "CN"), "The value of --name holds bytes"),
    ]:
        result = run_cli(*arguments)
        assert_plain_failure(result)
        assert expected in result.stderr, result.stderr
    assert json.loads(run_cli("list", "partners", "--json").stdout) == []


def test_a_records_file_with_a_record_number_too_large_is_refused(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    assert run_cli("sample-data", "--city", "Houston, TX").returncode == 0
    exported = tmp_path / "records.json"
    assert run_cli("export", str(exported)).returncode == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    partner = document["records"]["partners"][0]
    for partnership in document["records"]["partnerships"]:
        if partnership["partner_id"] == partner["id"]:
            partnership["partner_id"] = 2**63 - 1
    partner["id"] = 2**63 - 1
    partner["native_name"] = "\udc80"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    fresh = tmp_path / "fresh"

    result = run_cli("import", str(changed), data=fresh)
    assert_plain_failure(result)
    assert "changed.json: the id of partner community entry 1 is 9,223,372,036,854,775,807" in result.stderr

    partner["id"] = 7
    for partnership in document["records"]["partnerships"]:
        if partnership["partner_id"] == 2**63 - 1:
            partnership["partner_id"] = 7
    changed.write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("import", str(changed), data=fresh)
    assert_plain_failure(result)
    assert "the native_name of partner community entry 1 holds a broken character" in result.stderr

    partner["native_name"] = ""
    changed.write_text(json.dumps(document), encoding="utf-8")
    assert run_cli("import", str(changed), data=fresh).returncode == 0
    table = tmp_path / "more.csv"
    table.write_text("City,State,Partner,Country,Year\nSpringfield,IL,Hefei,China,2015\n", encoding="utf-8")
    result = run_cli("import", str(table), data=fresh)
    assert result.returncode == 0, result.stderr
    assert "added 1 partnership" in result.stdout
