"""Call recordings to transcripts: audio decoding, a pluggable speech engine, speaker turns.

See docs/speech.md. The transcript of a stored recording becomes an interaction's text
(masked, analysed by the VOC engine like any ingested contact); its turns are kept in
``speech_transcripts`` for the quality checks.
"""
