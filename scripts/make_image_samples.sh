#!/usr/bin/env bash
# Rebuilds samples/image/ from Debian 12 (bookworm) packages: real photographs shipped as PNG by
# scikit-image (package python3-skimage), decoded to binary PPM/PGM (exact pixels, no colour
# management, no resampling) by a few lines of Python (zlib only), so the samples are exactly the
# packages' pixels and come back from lmpack byte for byte.
#
#   scripts/make_image_samples.sh [WORKDIR]     default: a temporary directory
#
# Needs apt-get (download only, nothing is installed), dpkg-deb and python3. Sources and
# licences: samples/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$PWD/samples/image
work=${1:-$(mktemp -d)}
mkdir -p "$work" "$out"
cd "$work"

pkg=python3-skimage
if ! compgen -G "${pkg}_*.deb" >/dev/null; then apt-get download "$pkg"; fi
[[ -d x/$pkg ]] || { mkdir -p "x/$pkg" && dpkg-deb -x "${pkg}"_*.deb "x/$pkg"; }
data=x/$pkg/usr/lib/python3/dist-packages/skimage/data

# PNG (8-bit gray or RGB, non-interlaced) -> PGM/PPM with a minimal header.
topnm() {
  python3 - "$1" "$2" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n, t = struct.unpack_from(">I4s", data, pos)
    body = data[pos + 8 : pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (0, 2) and lace == 0
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
ch = 1 if ctype == 0 else 3
raw, row = zlib.decompress(idat), w * ch
out, prev = bytearray(), bytearray(row)
for y in range(h):
    f, line = raw[y * (row + 1)], bytearray(raw[y * (row + 1) + 1 : (y + 1) * (row + 1)])
    for i in range(row):
        a = line[i - ch] if i >= ch else 0
        b, c = prev[i], prev[i - ch] if i >= ch else 0
        if f == 1: p = a
        elif f == 2: p = b
        elif f == 3: p = (a + b) >> 1
        elif f == 4:
            q = a + b - c; pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        else: p = 0
        line[i] = (line[i] + p) & 255
    out += line
    prev = line
open(sys.argv[2], "wb").write(b"P%d\n%d %d\n255\n" % (5 if ch == 1 else 6, w, h) + bytes(out))
PY
}

# Colour: the astronaut Eileen Collins (NASA), a cup of coffee, a cat (Chelsea).
topnm "$data/astronaut.png" "$out/astronaut-512x512.ppm"
topnm "$data/coffee.png" "$out/coffee-600x400.ppm"
topnm "$data/chelsea.png" "$out/chelsea-451x300.ppm"
# Grayscale: a photographer on a campus lawn (the CC0 "camera"), Greek coins.
topnm "$data/camera.png" "$out/camera-512x512.pgm"
topnm "$data/coins.png" "$out/coins-384x303.pgm"
