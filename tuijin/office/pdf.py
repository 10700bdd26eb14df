"""Word → PDF through LibreOffice, with the official fonts or free faces in their place.

A 公文 asks for 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312 and 黑体, which a Linux server rarely has (they are licensed).
For each one the machine lacks, the conversion gives fontconfig (which LibreOffice asks on Linux) a rule to use a
free face from Debian's packages instead — fonts-noto-cjk and fonts-arphic-ukai, installed by `.ci/run` (see the
README's system packages) — and writes the same pairs into LibreOffice's own replacement table in the
conversion's profile. Where the licensed fonts are installed nothing is replaced: install them (for example into
/usr/local/share/fonts, then `fc-cache`) and the PDF uses them.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

# official family → (free family, weight or None)
SUBSTITUTES = {
    "方正小标宋简体": ("Noto Serif CJK SC", "bold"),
    "方正小标宋_GBK": ("Noto Serif CJK SC", "bold"),
    "小标宋": ("Noto Serif CJK SC", "bold"),
    "仿宋_GB2312": ("Noto Serif CJK SC", None),
    "仿宋": ("Noto Serif CJK SC", None),
    "FangSong": ("Noto Serif CJK SC", None),
    "楷体_GB2312": ("AR PL UKai CN", None),
    "楷体": ("AR PL UKai CN", None),
    "KaiTi": ("AR PL UKai CN", None),
    "黑体": ("Noto Sans CJK SC", None),
    "SimHei": ("Noto Sans CJK SC", None),
    "宋体": ("Noto Serif CJK SC", None),
    "SimSun": ("Noto Serif CJK SC", None),
}


class PdfUnavailable(RuntimeError):
    pass


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def installed_families() -> set[str]:
    """Font families fontconfig knows on this machine."""
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def missing_substitutes(installed: set[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """The official families this machine lacks, each with the free face that stands in for it."""
    installed = installed_families() if installed is None else installed
    return {family: sub for family, sub in SUBSTITUTES.items() if family not in installed}


def fontconfig_file(directory: Path, substitutes: dict[str, tuple[str, str | None]]) -> Path:
    """A fonts.conf that includes the system's and maps each missing official family to its stand-in."""
    rules = []
    for family, (free, weight) in substitutes.items():
        edits = f'<edit name="family" mode="assign" binding="strong"><string>{escape(free)}</string></edit>'
        if weight:
            edits += f'<edit name="weight" mode="assign"><const>{weight}</const></edit>'
        rules.append(f'<match target="pattern"><test name="family"><string>{escape(family)}</string></test>'
                     f'{edits}</match>')
    conf = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' + "\n".join(rules) + "\n</fontconfig>\n")
    path = directory / "fonts.conf"
    path.write_text(conf, encoding="utf-8")
    return path


def replacement_table(profile: Path, substitutes: dict[str, tuple[str, str | None]]) -> None:
    """LibreOffice's font replacement table (工具 › 选项 › 字体) in the conversion's user profile."""
    items = []
    for n, (family, (free, _weight)) in enumerate(substitutes.items()):
        items.append(
            f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{n}" oor:op="replace">'
            f'<prop oor:name="Always" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(family)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(free)}</value></prop>'
            f'</node></item>')
    items.append('<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
                 '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>')
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items) + "\n</oor:items>\n", encoding="utf-8")


def docx_to_pdf(docx: bytes, timeout: int = 180) -> bytes:
    exe = libreoffice()
    if exe is None:
        raise PdfUnavailable("未安装 LibreOffice,无法生成 PDF:请安装 libreoffice-writer,或改为下载 Word 版")
    import os

    substitutes = missing_substitutes()
    with tempfile.TemporaryDirectory(prefix="tuijin-pdf-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / "document.docx"
        src.write_bytes(docx)
        profile = tmp_path / "profile"
        replacement_table(profile, substitutes)
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(tmp_path, substitutes))}
        try:
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(f"生成 PDF 超时({timeout} 秒),请稍后重试或下载 Word 版") from exc
        except subprocess.CalledProcessError as exc:
            raise PdfUnavailable("LibreOffice 转换 PDF 失败:" + (exc.stderr or b"").decode(errors="replace")[-300:]) \
                from exc
        out = tmp_path / "document.pdf"
        if not out.exists():
            raise PdfUnavailable("LibreOffice 没有生成 PDF 文件")
        return out.read_bytes()
