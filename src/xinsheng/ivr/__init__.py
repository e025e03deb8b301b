"""Personalised IVR menus: the menu tree as data, each caller's behaviour kept on ingest,
the ranker, the menu and routing API, replay against the static menu, the A/B split."""
