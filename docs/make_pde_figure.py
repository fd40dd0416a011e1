"""Generate ``docs/figures/fractional_allen_cahn.png`` for docs/pde.rst (small PNG, committed).

    python docs/make_pde_figure.py          # about 15 s on 2 cores

It runs the worked example ``examples/plot_fractional_allen_cahn.py`` (a 256 x 256 grid, two
powers s) and saves its figure; the page builds without it (the figure becomes a short note).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "plot_fractional_allen_cahn.py"
OUT = HERE / "figures" / "fractional_allen_cahn.png"


def main():
    import matplotlib

    matplotlib.use("Agg")
    spec = importlib.util.spec_from_file_location("plot_fractional_allen_cahn", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.plot(example.run(powers=(0.7, 1.0), n=256, t_end=12.0), OUT)
    from PIL import Image  # matplotlib's own dependency

    # A 128-colour palette keeps the committed PNG small without visible loss.
    with Image.open(OUT) as im:
        small = im.convert("RGB").quantize(128)
    small.save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
