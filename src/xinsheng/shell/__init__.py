"""The web shell: the home page (each role's tools and cards) and customer search.

It sits above the domains (it reads their services) and below the app wiring, which
mounts its router (``xinsheng.routers``). Its templates are in ``web/templates``.
"""
