"""Ingest's readers are the shared input-file reader, ``xinsheng.records`` (CSV and NDJSON
here; the same module reads VOC and knowledge files). Kept so older imports still work."""
from xinsheng.records import SourceRecord, detect_format, open_input, read_csv, read_ndjson, records_from_list

__all__ = ["SourceRecord", "detect_format", "open_input", "read_csv", "read_ndjson", "records_from_list"]
