"""Real-browser fixtures live in tests/conftest.py (``browser``, ``base_url``, ``sign_in``), so
every package's page tests share one headless Chromium."""
