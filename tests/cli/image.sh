# Images through the command: PGM/PPM come back byte for byte with the image model, -l names the
# layout, PNG comes back as a PNG with the same pixels, --media bytes forces the byte path, and a
# file that only looks like an image takes the byte path.
source "$(dirname "$0")/helpers.sh" "$@"

for f in coins-384x303.pgm chelsea-451x300.ppm; do
  cp "$ROOT/samples/image/$f" "$f"
  cp "$f" "$f.orig"
  run 0 "$LMPACK" -v "$f"
  expect_stderr_contains "image"
  run 0 "$LMPACK" -l -v "$f.lmp"
  expect_stdout_contains "image"
  expect_stdout_contains "PNM"
  expect_stdout_contains "comes back byte for byte"
  run 0 "$LMPACK" -t "$f.lmp"
  run 0 "$LMPACK" -d "$f.lmp"
  expect_same "$f.orig" "$f"
done

# The image model beats the byte model on a photo.
run 0 "$LMPACK" -c coins-384x303.pgm
image_size=$(wc -c <"$WORK/out")
run 0 "$LMPACK" -c --media bytes coins-384x303.pgm
bytes_size=$(wc -c <"$WORK/out")
((image_size < bytes_size)) || fail "image model ($image_size) not smaller than bytes ($bytes_size)"

# A PNG (RGB, 8-bit, filter 0 rows, with a tEXt chunk) comes back as a PNG with the same pixels.
python3 - <<'PY'
import struct, zlib
w, h = 40, 30
rows = b"".join(b"\0" + bytes(((x * 5 + y * 3 + c * 40) & 255) for x in range(w) for c in range(3)) for y in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"tEXt", b"Comment\0kept") + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")
open("pic.png", "wb").write(png)
open("pic.raw", "wb").write(b"".join(rows[y * (3 * w + 1) + 1:(y + 1) * (3 * w + 1)] for y in range(h)))
PY
run 0 "$LMPACK" -k pic.png
run 0 "$LMPACK" -l -v pic.png.lmp
expect_stdout_contains "PNG (pixel-exact, re-encoded on decompression)"
mv pic.png pic.png.orig
run 0 "$LMPACK" -d pic.png.lmp
expect_file pic.png
python3 - <<'PY' || fail "decompressed PNG has other pixels or lost its tEXt chunk"
import struct, zlib, sys
d = open("pic.png", "rb").read()
pos, idat, text = 8, b"", False
while pos < len(d):
    n, t = struct.unpack_from(">I4s", d, pos)
    if t == b"IHDR": w, h = struct.unpack_from(">II", d, pos + 8)
    if t == b"IDAT": idat += d[pos + 8:pos + 8 + n]
    if t == b"tEXt": text = d[pos + 8:pos + 8 + n] == b"Comment\0kept"
    pos += 12 + n
raw, row, out, prev = zlib.decompress(idat), 3 * w, bytearray(), bytearray(3 * w)
for y in range(h):
    f, line = raw[y * (row + 1)], bytearray(raw[y * (row + 1) + 1:(y + 1) * (row + 1)])
    for i in range(row):
        a = line[i - 3] if i >= 3 else 0
        b, c = prev[i], (prev[i - 3] if i >= 3 else 0)
        p = [0, a, b, (a + b) >> 1, 0][f]
        if f == 4:
            q = a + b - c; pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        line[i] = (line[i] + p) & 255
    out += line; prev = line
sys.exit(0 if bytes(out) == open("pic.raw", "rb").read() and text else 1)
PY

# --media bytes: the byte path, byte for byte.
run 0 "$LMPACK" -k -f --media bytes coins-384x303.pgm
run 0 "$LMPACK" -l -v coins-384x303.pgm.lmp
grep -q "PNM" "$WORK/out" && fail "byte path expected"

# A PGM whose header claims more pixels than the file has: byte path, still exact.
{ printf 'P5\n100 100\n255\n'; head -c 5000 "$ROOT/samples/image/coins-384x303.pgm"; } >liar.pgm
cp liar.pgm liar.pgm.orig
run 0 "$LMPACK" liar.pgm
run 0 "$LMPACK" -l -v liar.pgm.lmp
grep -q "PNM" "$WORK/out" && fail "byte path expected"
run 0 "$LMPACK" -d liar.pgm.lmp
expect_same liar.pgm.orig liar.pgm
echo "cli.image: ok"
