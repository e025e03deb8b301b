"""The shared input-file reader (xinsheng.records) on hand-written files whose records,
lines and faults are known from the bytes written here."""
from __future__ import annotations

import json

import pytest

from xinsheng.errors import InputFileError
from xinsheng.records import MAX_FIELD, detect_format, read_csv, read_records

BOM = b"\xef\xbb\xbf"


def _read(path, **kw):
    return [(r.line, r.data, r.error) for r in read_records(path, **kw)]


def test_ndjson_bom_blank_lines_and_bad_lines(tmp_path):
    path = tmp_path / "in.ndjson"
    path.write_bytes(
        BOM + '{"id": 1, "text": "转账失败"}\n'.encode()  # line 1, with a byte-order mark
        + b"\n   \n"  # lines 2-3 blank
        + b'{"id": 4, "text": "ok"\n'  # line 4: the closing brace is missing
        + b"[1, 2]\n"  # line 5: JSON, not an object
        + '{"id": 6, "text": "到账"}\n'.encode("gb18030")  # line 6: not UTF-8
        + b'{"id": 7}'  # line 7: no final newline
    )
    got = _read(path)
    assert [line for line, _, _ in got] == [1, 4, 5, 6, 7]
    assert got[0] == (1, {"id": 1, "text": "转账失败"}, None)
    assert got[1][2] == "invalid JSON: Expecting ',' delimiter at column 23"
    assert got[2][2] == "expected a JSON object, got list"
    # b'{"id": 6, "text": "' is 19 bytes: the first GB18030 byte (0xB5) is at offset 19
    assert got[3][2] == "not valid UTF-8 at byte 19 (wrong encoding?)"
    assert got[4] == (7, {"id": 7}, None)


def test_csv_quoted_newlines_bom_blank_rows_and_column_counts(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(BOM + (
        "id, text ,channel\r\n"  # line 1: header (names stripped)
        '1,"第一行\r\n第二行, 还有逗号",app\r\n'  # lines 2-3: one record over two lines
        "\r\n"  # line 4: blank
        ",,\r\n"  # line 5: only empty cells
        '2,"他说""你好""",\r\n'  # line 6: doubled quotes, empty last cell
        "3,too,many,cells\r\n"  # line 7
        "4,短\r\n"  # line 8
    ).encode())
    got = _read(path, keep_empty=True)
    assert got[0] == (2, {"id": "1", "text": "第一行\r\n第二行, 还有逗号", "channel": "app"}, None)
    assert got[1] == (6, {"id": "2", "text": '他说"你好"', "channel": ""}, None)
    assert got[2] == (7, None, "has 4 columns, the header has 3")
    assert got[3] == (8, None, "has 2 columns, the header has 3")
    assert len(got) == 4
    # ingest's reading: an empty cell is an absent key
    assert _read(path, keep_empty=False)[1][1] == {"id": "2", "text": '他说"你好"'}


def test_csv_raw_bytes_are_kept_for_rejects(tmp_path):
    body = '1,"a\nb"\n2,"x",extra\n'.encode()
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,text\n" + body)
    with path.open("rb") as fh:
        header_raw, header, records = read_csv(fh)
        raws = [r.raw for r in records]
    assert header_raw == b"id,text\n" and header == ["id", "text"]
    assert raws == [b'1,"a\nb"\n', b'2,"x",extra\n']


def test_csv_wrong_encoding_is_a_line_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,text\n1,ok\n" + "2,信用卡\n".encode("gb18030") + b"3,fine\n")
    got = _read(path)
    assert got[0] == (2, {"id": "1", "text": "ok"}, None)
    assert got[1][0] == 3 and got[1][2].startswith("not valid UTF-8")
    assert got[2] == (4, {"id": "3", "text": "fine"}, None)


def test_huge_field_read_whole_and_over_the_limit_reported(tmp_path):
    big = "长" * 300_000  # past the csv module's default field limit (131,072)
    path = tmp_path / "in.tsv"
    path.write_text(f"id\ttext\n1\t{big}\n2\tsmall\n", encoding="utf-8")
    got = _read(path)
    assert got[0] == (2, {"id": "1", "text": big}, None) and got[1] == (3, {"id": "2", "text": "small"}, None)

    path = tmp_path / "over.csv"
    path.write_text(f"id,text\n1,{'x' * (MAX_FIELD + 1)}\n2,after\n", encoding="utf-8")
    got = _read(path)
    assert got[0][0] == 2 and got[0][2] == f"malformed CSV: field larger than field limit ({MAX_FIELD})"
    assert got[1] == (3, {"id": "2", "text": "after"}, None)


def test_json_document_list_wrapped_list_and_json_lines_under_json_name(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(BOM + json.dumps({"articles": [{"ref": "A"}, 5, {"ref": "C"}]}).encode())
    got = _read(path, list_key="articles")
    assert got == [(1, {"ref": "A"}, None), (2, None, "expected a JSON object, got int"), (3, {"ref": "C"}, None)]

    path.write_text('{"ref": "A"}\n\n{"ref": "B"}\n', encoding="utf-8")  # JSON Lines named .json
    assert _read(path) == [(1, {"ref": "A"}, None), (3, {"ref": "B"}, None)]

    path.write_text('[{"ref": "A"},', encoding="utf-8")
    with pytest.raises(InputFileError, match="not JSON"):
        _read(path)
    path.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(InputFileError, match="expected a list"):
        _read(path)


def test_file_level_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_records(tmp_path / "missing.csv")
    with pytest.raises(InputFileError, match="not a file"):
        (tmp_path / "d.csv").mkdir()
        read_records(tmp_path / "d.csv")
    with pytest.raises(InputFileError, match=r"unknown format '\.txt'; use \.csv, \.ndjson"):
        detect_format(tmp_path / "notes.txt", (".csv", ".ndjson"))
    with pytest.raises(InputFileError, match="unknown format '.json'"):
        detect_format(tmp_path / "a.json", (".csv", ".ndjson"))  # known, but not allowed here
    assert [detect_format(tmp_path / f"x{s}") for s in (".CSV", ".tsv", ".jsonl", ".json")] == \
        ["csv", "tsv", "ndjson", "json"]


def test_empty_files(tmp_path):
    for name in ("e.csv", "e.ndjson"):
        (tmp_path / name).write_bytes(b"")
        assert _read(tmp_path / name) == []
    (tmp_path / "h.csv").write_bytes(BOM + b"id,text\n")
    assert _read(tmp_path / "h.csv") == []
