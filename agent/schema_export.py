"""Write schemas/*.json from the Pydantic models (`make schemas`); a test fails when they drift."""

from __future__ import annotations

import json
from pathlib import Path

from .schemas import EXPORTED

ROOT = Path(__file__).resolve().parent.parent / "schemas"


def rendered() -> dict[str, str]:
    return {
        f"{name}.json": json.dumps(model.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"
        for name, model in EXPORTED.items()
    }


def main() -> None:
    ROOT.mkdir(exist_ok=True)
    for filename, text in rendered().items():
        (ROOT / filename).write_text(text)
        print(f"wrote schemas/{filename}")


if __name__ == "__main__":
    main()
