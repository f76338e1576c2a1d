"""The sample headers and 16-bit sample data of a SoundFont 2 file (RIFF "sfbk").

Shared by scripts/make_audio_samples.sh (the held-out piano sample) and
scripts/make_audio_corpus.sh (the audio prior's soundfont pieces), which run Python with this
directory on PYTHONPATH.
"""
import struct
from typing import NamedTuple


class Sample(NamedTuple):
    index: int  # position in the shdr list
    name: str
    start: int  # first sample frame, in the smpl chunk
    end: int  # one past the last
    rate: int  # Hz
    kind: int  # sfSampleLink: 1 mono, 2 right, 4 left, 8 linked; +0x8000 ROM


class SoundFont:
    def __init__(self, path):
        self.data = open(path, "rb").read()
        if self.data[:4] != b"RIFF" or self.data[8:12] != b"sfbk":
            raise ValueError(f"{path}: not a SoundFont 2 file")
        found = {}
        for cid, off, size in self._chunks(12, len(self.data)):
            if cid == b"LIST":
                for c2, o2, s2 in self._chunks(off + 4, off + size):
                    found[c2] = (o2, s2)
        self.smpl = found[b"smpl"][0]
        shdr, shdr_size = found[b"shdr"]
        self.samples = []
        for i in range(shdr_size // 46 - 1):  # the last header is the terminal "EOS"
            name, start, end, _, _, rate, _, _, _, kind = struct.unpack_from(
                "<20sIIIIIBbHH", self.data, shdr + 46 * i)
            self.samples.append(
                Sample(i, name.split(b"\0")[0].decode("latin1"), start, end, rate, kind))

    def _chunks(self, off, end):
        while off + 8 <= end:
            cid, size = struct.unpack_from("<4sI", self.data, off)
            yield cid, off + 8, size
            off += 8 + size + (size & 1)

    def by_name(self):
        return {s.name: s for s in self.samples}

    def pcm(self, sample, frames):
        """The first `frames` frames of `sample`: 16-bit little-endian mono PCM."""
        return self.data[self.smpl + 2 * sample.start:self.smpl + 2 * (sample.start + frames)]
