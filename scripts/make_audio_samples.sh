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
scripts=$PWD/scripts
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
PYTHONPATH=$scripts python3 - x/fluid-soundfont-gm/usr/share/sounds/sf2/FluidR3_GM.sf2 <<'PY'
import sys, wave
from sf2_samples import SoundFont
sf2 = SoundFont(sys.argv[1])
headers = sf2.by_name()
frames = b""
for note in ["D2", "F#2", "A#2", "D3", "F#3", "A#3", "D4", "F#4", "A#4", "D5"]:
    left, right = headers[f"P200 Piano {note}(L)"], headers[f"P200 Piano {note}(R)"]
    assert left.rate == right.rate == 32000
    n = 32000  # one second
    l, r = sf2.pcm(left, n), sf2.pcm(right, n)
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
