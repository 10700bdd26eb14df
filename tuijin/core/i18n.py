"""Compile every app's translation file (locale/*/LC_MESSAGES/django.po → .mo).

`python -m tuijin.core.i18n` compiles; `--check` only reports .mo files that are
missing or older than their .po. Uses polib, so no GNU gettext is needed.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def po_files() -> list[Path]:
    return sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po"))


def main(argv: list[str]) -> int:
    import polib

    stale = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if "--check" in argv:
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                stale.append(mo_path)
            continue
        po = polib.pofile(str(po_path))
        problems = [e.msgid for e in po if e.msgstr and e.msgid.count("%(") != e.msgstr.count("%(")]
        if problems:
            print(f"{po_path}: placeholders differ in: {problems[:5]}", file=sys.stderr)
            return 1
        po.save_as_mofile(str(mo_path))
        print(f"compiled {po_path.relative_to(ROOT.parent)} ({len(po.translated_entries())} messages)")
    if stale:
        print("stale translations (run `make messages`):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
