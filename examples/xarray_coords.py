"""fracfft.xarray on a field with physical coordinates (km and hours).

A travelling wave ``u(t, x) = cos(k x - w t)`` on 0 <= x < 1200 km is differentiated in x
with the spacing read from the ``x`` coordinate, so the result is in units of km**-alpha.
The exact half-derivative is ``k**0.5 cos(k x - w t + pi/4)``.
"""

import numpy as np
import xarray as xr

import fracfft.xarray


def main():
    """Differentiate the wave along x and compare with the exact value."""
    length_km, n = 1200.0, 240
    x = np.arange(n) * (length_km / n)
    time = np.datetime64("2026-01-01T00") + np.arange(6) * np.timedelta64(1, "h")
    hours = np.arange(6.0)
    k = 2 * np.pi * 3 / length_km  # three wavelengths across the domain
    w = 0.4  # radians per hour
    u = xr.DataArray(np.cos(k * x[None, :] - w * hours[:, None]), dims=("time", "x"),
                     coords={"time": time, "x": x}, name="u", attrs={"units": "m/s"})
    half = fracfft.xarray.derivative(u, 0.5, "x")
    exact = np.sqrt(k) * np.cos(k * x[None, :] - w * hours[:, None] + np.pi / 4)
    print(half)
    print(f"max error {np.abs(half.values - exact).max():.1e} (scale {np.sqrt(k):.3e} km^-0.5)")
    # The same on a dask-backed copy stays lazy until .compute().
    lazy = fracfft.xarray.derivative(u.chunk({"time": 2}), 0.5, "x")
    print(f"dask-backed: {type(lazy.data).__name__}, "
          f"equal {bool(np.allclose(lazy.compute(), half))}")


if __name__ == "__main__":
    main()
