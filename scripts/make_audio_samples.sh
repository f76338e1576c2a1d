#!/usr/bin/env bash
# Rebuilds samples/audio/ from Debian 12 (bookworm) packages: real recordings, cut and joined
# with sox (no effects, no dither: `sox -D`), so the samples are exactly the packages' PCM.
#
#   scripts/make_audio_samples.sh [WORKDIR]     default: a temporary directory
#
# Needs apt-get (download only, nothing is installed), dpkg-deb, sox and python3. Sources and
# licences: samples/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$PWD/samples/audio
work=${1:-$(mktemp -d)}
mkdir -p "$work" "$out"
cd "$work"

for pkg in asterisk-core-sounds-en-wav hydrogen-drumkits fluid-soundfont-gm; do
  if ! compgen -G "${pkg}_*.deb" >/dev/null; then apt-get download "$pkg"; fi
  [[ -d x/$pkg ]] || { mkdir -p "x/$pkg" && dpkg-deb -x "${pkg}"_*.deb "x/$pkg"; }
done

# Speech: Allison Smith's English prompts (8 kHz, 16-bit, mono), the first in name order,
# joined and cut at 20 s.
allison=x/asterisk-core-sounds-en-wav/usr/share/asterisk/sounds/en_US_f_Allison
mapfile -t prompts < <(find "$allison" -maxdepth 1 -name '*.wav' | LC_ALL=C sort | head -40)
sox -D "${prompts[@]}" "$out/speech-allison-8k16-mono.wav" trim 0 20

# Drums, 16-bit: the BJA_Pacific kit's hits (44.1 kHz, 16-bit, stereo AIFF) in name order, cut
# at 10 s, kept as AIFF (an empty comment: otherwise sox writes a COMT chunk with the time).
bja=x/hydrogen-drumkits/usr/share/hydrogen/data/drumkits/BJA_Pacific
mapfile -t hits < <(find "$bja" -maxdepth 1 -name '*.aiff' | LC_ALL=C sort)
sox -D "${hits[@]}" --comment "" -t aiff "$out/drums-bja-44k16-stereo.aiff" trim 0 10

# Drums, 24-bit: five hits of the ForzeeStereo kit (48 kHz, 24-bit, stereo), the first 2 s of
# each.
forzee=x/hydrogen-drumkits/usr/share/hydrogen/data/drumkits/ForzeeStereo
for hit in Kick-4 Snare-4 TomLow-4 HiHatOpen-3 Crash18-3; do
  sox -D "$forzee/$hit.wav" "forzee-$hit.wav" trim 0 2
done
sox -D forzee-{Kick-4,Snare-4,TomLow-4,HiHatOpen-3,Crash18-3}.wav \
  "$out/drums-forzee-48k24-stereo.wav"

# Music: the Fluid R3 soundfont's stereo piano ("P200 Piano", 32 kHz, 16-bit), its ten lowest
# notes D2..D5 rising (D, F#, A#), the first second of each (a real sampled grand piano).
python3 - x/fluid-soundfont-gm/usr/share/sounds/sf2/FluidR3_GM.sf2 <<'PY'
import struct, sys, wave
data = open(sys.argv[1], "rb").read()
assert data[:4] == b"RIFF" and data[8:12] == b"sfbk"

def chunks(off, end):
    while off + 8 <= end:
        cid, size = struct.unpack_from("<4sI", data, off)
        yield cid, off + 8, size
        off += 8 + size + (size & 1)

found = {}
for cid, off, size in chunks(12, len(data)):
    if cid == b"LIST":
        for c2, o2, s2 in chunks(off + 4, off + size):
            found[c2] = (o2, s2)
smpl_off = found[b"smpl"][0]
shdr_off, shdr_size = found[b"shdr"]
headers = {}
for i in range(shdr_size // 46 - 1):
    name, start, end, _, _, rate, _, _, _, _ = struct.unpack_from("<20sIIIIIBbHH", data, shdr_off + 46 * i)
    headers[name.split(b"\0")[0].decode("latin1")] = (start, end, rate)
frames = b""
for note in ["D2", "F#2", "A#2", "D3", "F#3", "A#3", "D4", "F#4", "A#4", "D5"]:
    left, right = headers[f"P200 Piano {note}(L)"], headers[f"P200 Piano {note}(R)"]
    assert left[2] == right[2] == 32000
    n = 32000  # one second
    l = data[smpl_off + 2 * left[0]: smpl_off + 2 * (left[0] + n)]
    r = data[smpl_off + 2 * right[0]: smpl_off + 2 * (right[0] + n)]
    frames += b"".join(l[2 * k: 2 * k + 2] + r[2 * k: 2 * k + 2] for k in range(n))
with wave.open("piano.wav", "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(32000)
    w.writeframes(frames)
PY
cp piano.wav "$out/piano-fluidr3-32k16-stereo.wav"

ls -l "$out"
sha256sum "$out"/*
