#!/usr/bin/env bash
# Builds the speech recordings for `lmpack bench --speech` from a Debian 12 package: Allison
# Smith's US English telephone prompts (asterisk-core-sounds-en-wav 1.6.1-1, CC-BY-SA-3.0; real
# recorded human speech, 8 kHz 16-bit mono). Each recording joins whole prompts of one group in
# name order, 0.4 s of silence between them, until it lasts at least 60 s.
#
#   scripts/make_speech_samples.sh [OUTDIR [WORKDIR]]   default OUTDIR: bench/speech (not committed)
#
# Needs apt-get (download only, nothing is installed), dpkg-deb and python3. Sources and
# licences: bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(realpath -m "${1:-bench/speech}")
work=${2:-$(mktemp -d)}
mkdir -p "$work" "$out"
cd "$work"

pkg=asterisk-core-sounds-en-wav
if ! compgen -G "${pkg}_*.deb" >/dev/null; then apt-get download "$pkg"; fi
[[ -d x/$pkg ]] || { mkdir -p "x/$pkg" && dpkg-deb -x "${pkg}"_*.deb "x/$pkg"; }
allison=x/$pkg/usr/share/asterisk/sounds/en_US_f_Allison

python3 - "$allison" "$out" <<'PY'
import glob, os, sys, wave
src, out = sys.argv[1], sys.argv[2]
groups = {
    # Voicemail menus: sentences of instructions.
    "speech-allison-voicemail-8k16-mono.wav": ["vm-"],
    # Conference prompts.
    "speech-allison-conference-8k16-mono.wav": ["conf-", "confbridge-"],
    # The demo, directory and queue prompts: the longest sentences in the package.
    "speech-allison-demo-queue-8k16-mono.wav": ["demo-", "dir-", "queue-"],
}
for name, prefixes in groups.items():
    files = sorted(f for f in glob.glob(os.path.join(src, "*.wav"))
                   if any(os.path.basename(f).startswith(p) for p in prefixes))
    frames, params = b"", None
    for f in files:
        with wave.open(f) as w:
            p = w.getparams()
            assert (p.nchannels, p.sampwidth, p.framerate) == (1, 2, 8000), f
            params = p
            if frames:
                frames += bytes(2 * 3200)  # 0.4 s of silence
            frames += w.readframes(p.nframes)
        if len(frames) >= 2 * 8000 * 60:
            break
    assert len(frames) >= 2 * 8000 * 60, name
    with wave.open(os.path.join(out, name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(frames)
    print(f"{name}: {len(frames) / 16000:.1f} s from {files[0].split('/')[-1]} ...")
PY
ls -l "$out"
sha256sum "$out"/*.wav
