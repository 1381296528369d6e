"""One real X11 run: `gremalda gui --smoke-test` under Xvfb (the xcb platform plugin, real fonts, the
render worker processes, the keyring of the test session), as an installed client is started. The
screenshot must show a rendered page in the document area: not blank, not an error message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from gremalda.paths import DataPaths

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (make sysdeps)"),
]


def _shades(image: QImage) -> int:
    small = image.scaled(
        120, 120, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    small = small.convertToFormat(QImage.Format.Format_RGB32)
    return len({small.pixel(x, y) for y in range(small.height()) for x in range(small.width())})


def _fractions(image: QImage) -> tuple[float, float]:
    """The share of light (paper) and of dark (ink) pixels, sampled every 3 pixels."""
    light = dark = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colour = image.pixelColor(x, y)
            value = colour.lightness()
            light += value > 235
            dark += value < 110
            total += 1
    return light / total, dark / total


def test_smoke_screenshot_under_xvfb(replica: DataPaths, tmp_path: Path) -> None:
    output = tmp_path / "smoke.png"
    gremalda = Path(sys.executable).with_name("gremalda")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", LANG="C.UTF-8")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    run = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            str(gremalda),
            "gui",
            "--data-dir",
            str(replica.root),
            "--smoke-test",
            str(output),
            "--timeout",
            "600",  # the window's few seconds can be minutes on a loaded CI machine; it quits when done
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert "smoke test passed" in run.stderr
    image = QImage(str(output))
    assert not image.isNull() and image.width() >= 1000 and image.height() >= 600
    assert _shades(image) > 60  # a whole window, not a blank or one-colour picture
    # the document area (the right part of the centre, below the tabs): a page with text
    width, height = image.width(), image.height()
    page = image.copy(int(width * 0.48), int(height * 0.15), int(width * 0.3), int(height * 0.6))
    light, dark = _fractions(page)
    assert light > 0.4, f"the document area is not mostly paper ({light:.0%} light)"
    assert 0.002 < dark < 0.3, f"no text on the page ({dark:.1%} dark)"
    assert _shades(page) > 20
