import pytest


@pytest.fixture(autouse=True)
def _fresh_ivr_settings():
    """The menu caches the tree and the A/B share for a few seconds; each test starts without."""
    from xinsheng.ivr.service import forget_cached

    forget_cached()
    yield
    forget_cached()
