"""Secrets come from the environment; a development set is generated on first run.

The generated file lives in ``var/`` (ignored by git) so that a development database
stays readable across restarts. Production (``RENCAI_ENV=production``) refuses to start
without every key set in the environment.
"""

import base64
import json
import os
import secrets
from pathlib import Path

SECRET_NAMES = ("RENCAI_SECRET_KEY", "RENCAI_FIELD_KEY", "RENCAI_INDEX_KEY")


def _generate() -> dict[str, str]:
    return {
        "RENCAI_SECRET_KEY": secrets.token_urlsafe(50),
        "RENCAI_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "RENCAI_INDEX_KEY": secrets.token_urlsafe(32),
    }


def load_secrets(var_dir: Path, production: bool) -> dict[str, str]:
    """Return the three keys, from the environment or the development file."""
    found = {name: os.environ[name] for name in SECRET_NAMES if os.environ.get(name)}
    if len(found) == len(SECRET_NAMES):
        return found
    if production:
        missing = ", ".join(n for n in SECRET_NAMES if n not in found)
        raise RuntimeError(f"生产环境缺少密钥环境变量：{missing}")
    path = var_dir / "dev-secrets.json"
    if path.exists():
        stored = json.loads(path.read_text())
    else:
        var_dir.mkdir(parents=True, exist_ok=True)
        stored = _generate()
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return {**stored, **found}
