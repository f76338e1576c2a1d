// Image awareness for `lmpack bench`: which inputs are images the image front end reads (by
// content), pixel-wise comparison of two image files (what an image peer's round trip must keep),
// and the LMIC patch protocol (--patches).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/bench_audio.h"

namespace lmpack::cli {

// An image input described in the bench's audio terms, so the peers' "containers" and the
// bits-per-sample column work unchanged: container is the extension its peers see ("ppm", "pgm",
// "pam", "bmp", "png"), frames the pixel count, channels the samples per pixel, so that
// samples() counts sub-pixels. nullopt for anything the image front end does not parse.
std::optional<AudioShape> probe_image(const std::string& path);

// True if both files decode to the same pixels, comparing as RGBA (gray is R = G = B, a missing
// alpha is opaque): dwebp writes PAM RGBA for any input, optipng may store gray as gray.
bool same_pixels(const std::string& a, const std::string& b);

// The LMIC protocol (Deletang et al., "Language Modeling Is Compression"): each image made
// grayscale (rounded mean of R, G, B), cut into non-overlapping 32x64 patches (2048 bytes; edge
// remainders dropped), every patch compressed on its own as a PGM by lmpack (default level and
// --best, whole archives counted) and as a PNG (zlib level 9, per-row filter choice), each round
// trip checked. Prints one line per file and a total to stdout; returns false on any failure.
bool run_patch_bench(const std::vector<std::string>& files, bool quiet);

}  // namespace lmpack::cli
