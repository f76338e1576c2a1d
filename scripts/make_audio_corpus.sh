#!/usr/bin/env bash
# Builds the audio prior's training corpus from Debian packages, into DIR (default
# build/corpus/audio): speech and music as the byte tokens lmpack's audio media stream holds
# (Trilobyte tokens: each PCM sample as offset-binary bytes, most significant first), at 8, 16
# and 24 bits, mono, mostly at 16 kHz (the rate of the paper's protocol), some at the source's
# own rate.
#
#   speech  asterisk-core-sounds-en-wav (Allison Smith, US English) without the 40 prompts
#           samples/audio/speech-allison-8k16-mono.wav is made of; -fr-wav (June Wallack,
#           Canadian French); -es-wav (Allison Smith, Mexican Spanish). 8 kHz 16-bit originals.
#   music   asterisk-moh-opsound-wav (five music-on-hold pieces, 8 kHz 16-bit), cut in 5 s pieces;
#           hydrogen-drumkits: every kit but BJA_Pacific and ForzeeStereo (the two kits of
#           samples/audio), first 1.5 s of each hit; fluid-soundfont-gm: every mono or left sample
#           of FluidR3_GM.sf2 but the "P200 Piano" ones (samples/audio's piano), first 1.5 s.
#
# Each piece is converted with sox without dither (`sox -D`): left channel only (`remix 1`: no
# arithmetic), cut, resampled with sox's `rate -h` when its rate changes (rounded to the nearest
# output step, clipped), and written as raw unsigned (offset-binary) big-endian samples, which is
# the Trilobyte token stream. Reducing to 8 bits rounds (no dither); 24-bit pieces from 16-bit
# sources carry the resampler's extra precision in their low byte, and 16-bit pieces kept at
# their rate have a zero low byte when written at 24 bits (expansion without dither). Depth and
# rate are fixed per piece by its index (2 in 5 pieces at 8 bits, 2 in 5 at 16, 1 in 5 at 24; 2
# in 3 at 16 kHz); each category takes pieces in a seeded shuffle until its byte budget is spent,
# and the pieces are joined in one seeded shuffle, so every training stream sees every kind.
#
# Prints the corpus path; the file is the same bytes on every run with the same package and sox
# versions (its sha256 goes into models/PROVENANCE.md). DIR/manifest.tsv lists the pieces.
#
#   scripts/make_audio_corpus.sh [DIR]
set -euo pipefail
dir=${1:-build/corpus/audio}
mkdir -p "$dir/debs"
command -v sox >/dev/null || { echo "make_audio_corpus: needs sox (scripts/setup.sh)" >&2; exit 1; }
pkgs=(asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav asterisk-core-sounds-es-wav
  asterisk-moh-opsound-wav hydrogen-drumkits fluid-soundfont-gm)
(cd "$dir/debs" && for p in "${pkgs[@]}"; do
  ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -qq "$p" >/dev/null 2>&1 ||
    { echo "make_audio_corpus: apt-get download $p failed" >&2; exit 1; }
done)
rm -rf "$dir/x" "$dir/tmp" && mkdir -p "$dir/x" "$dir/tmp"
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/x"; done
PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")" python3 - "$dir" <<'PY'
import os, random, subprocess, sys, wave
from sf2_samples import SoundFont

d = sys.argv[1]
x = os.path.join(d, "x/usr/share")
tmp = os.path.join(d, "tmp")


def files(root, exts, maxdepth=None):
    out = []
    for base, dirs, names in os.walk(root):
        depth = base[len(root):].count(os.sep)
        if maxdepth is not None and depth >= maxdepth:
            dirs[:] = []
        for n in names:
            if n.lower().endswith(exts):
                out.append(os.path.join(base, n))
    return sorted(out)


def rate_of(path):
    return int(subprocess.check_output(["soxi", "-r", path]).decode().strip())


def duration(path):
    return float(subprocess.check_output(["soxi", "-D", path]).decode().strip())


# Speech. The held-out sample joins the first 40 top-level Allison prompts in name order
# (scripts/make_audio_samples.sh); none of them enters the corpus.
allison = os.path.join(x, "asterisk/sounds/en_US_f_Allison")
held_out = set(files(allison, (".wav",), maxdepth=1)[:40])
speech = [(p, 0.0, 4.0) for p in files(allison, (".wav",)) if p not in held_out]
for lang in ("fr_CA_f_June", "es_MX_f_Allison"):
    speech += [(p, 0.0, 4.0) for p in files(os.path.join(x, "asterisk/sounds", lang), (".wav",))]

moh = []
for p in files(os.path.join(x, "asterisk/moh"), (".wav",)):
    t = 0.0
    while t + 5.0 <= duration(p):
        moh.append((p, t, 5.0))
        t += 5.0

kits = os.path.join(x, "hydrogen/data/drumkits")
drums = [(p, 0.0, 1.5) for p in files(kits, (".wav", ".flac", ".aif", ".aiff"))
         if not os.path.relpath(p, kits).startswith(("BJA_Pacific", "ForzeeStereo"))]

# The soundfont's samples as WAV files: every mono (type 1) or left (type 4) sample in ROM-free
# memory, but the P200 Piano the held-out piano sample comes from.
sf2 = SoundFont(os.path.join(x, "sounds/sf2/FluidR3_GM.sf2"))
notes = []
for sample in sf2.samples:
    rate = sample.rate
    if sample.kind not in (1, 4) or sample.name.startswith("P200 Piano") or not 8000 <= rate <= 96000:
        continue
    n = min(sample.end - sample.start, int(1.5 * rate))
    if n < rate // 10:
        continue
    path = os.path.join(tmp, f"sf2-{sample.index:04d}.wav")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(sf2.pcm(sample, n))
    notes.append((path, 0.0, 1.5))

budgets = [("speech", speech, 6_000_000), ("moh", moh, 2_500_000), ("drums", drums, 3_500_000),
           ("soundfont", notes, 4_000_000)]
rng = random.Random(2026)
pieces = []  # (category, source, start, length, bits, rate, bytes)
index = 0
for cat, items, budget in budgets:
    items = list(items)
    rng.shuffle(items)
    spent = 0
    for src, start, length in items:
        if spent >= budget:
            break
        bits = (8, 16, 8, 16, 24)[index % 5]
        rate = 16000 if index % 3 else rate_of(src)
        index += 1
        out = os.path.join(tmp, f"piece-{index:05d}.raw")
        enc = ["-e", "unsigned-integer", "-b", str(bits), "-B", "-c", "1", "-r", str(rate)]
        effects = ["remix", "1", "trim", f"{start}", f"{length}"]
        if rate != rate_of(src):
            effects += ["rate", "-h", str(rate)]
        subprocess.run(["sox", "-D", "-V1", src, "-t", "raw", *enc, out, *effects], check=True)
        data = open(out, "rb").read()
        os.remove(out)
        if not data:
            continue
        spent += len(data)
        pieces.append((cat, os.path.relpath(src, x) if src.startswith(x) else os.path.basename(src),
                       start, length, bits, rate, data))
rng.shuffle(pieces)
with open(os.path.join(d, "corpus.raw"), "wb") as f, \
        open(os.path.join(d, "manifest.tsv"), "w") as m:
    m.write("category\tsource\tstart_s\tmax_s\tbits\trate\tbytes\n")
    for cat, src, start, length, bits, rate, data in pieces:
        f.write(data)
        m.write(f"{cat}\t{src}\t{start}\t{length}\t{bits}\t{rate}\t{len(data)}\n")
PY
rm -rf "$dir/tmp"
echo "$dir/corpus.raw"
