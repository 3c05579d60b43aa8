"""Create the demo's admin account with a fresh random password (printed once), unless accounts exist."""
from __future__ import annotations

import secrets
import sys

from sqlalchemy import func, select

from dossier.security.accounts import create_user
from dossier.store import Store
from dossier.store.models import UserRow

store = Store.open(sys.argv[1])
with store.session.begin() as s:
    if s.scalar(select(func.count(UserRow.id))):
        print("Log in with an account you created earlier (dossier user-add).")
    else:
        password = secrets.token_urlsafe(12)
        create_user(s, "demo", password, "admin")
        print(f"Demo account: user 'demo', password '{password}' (shown once; this database only).")
