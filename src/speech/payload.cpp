#include "speech/payload.h"

#include "lmpack/lmpack.h"

namespace lmpack::speech {

namespace {

// Level of the cm family used for payloads: transcripts are tiny, so the strongest level costs
// nothing noticeable.
constexpr int kPayloadLevel = 9;
// Word text and tick limits keep every later sum far from overflow.
constexpr std::uint64_t kMaxTicks = std::uint64_t{1} << 31;
constexpr std::size_t kMaxWordBytes = 255;

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const std::uint8_t b = data_[pos_++];
      v |= std::uint64_t{b & 0x7Fu} << shift;
      // Shortest form only (docs/format.md): a last byte of 0 must be the only byte.
      if ((b & 0x80) == 0) return (b != 0 || shift == 0) && (shift < 63 || b <= 1);
    }
    return false;
  }
  bool byte(std::uint8_t& b) {
    if (pos_ >= data_.size()) return false;
    b = data_[pos_++];
    return true;
  }
  std::size_t pos() const { return pos_; }
  std::size_t left() const { return data_.size() - pos_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

bool valid_word_byte(std::uint8_t c) { return c > 0x20 && c != 0x7F; }

Status corrupt(const std::string& what) { return {ErrorCode::kCorrupt, "speech payload: " + what}; }

}  // namespace

Status serialize(const Transcript& t, std::vector<std::uint8_t>& raw) {
  raw.clear();
  put_varint(raw, t.words.size());
  raw.push_back(static_cast<std::uint8_t>(t.voice));
  std::uint64_t prev_end = 0;
  for (std::size_t i = 0; i < t.words.size(); ++i) {
    const Word& w = t.words[i];
    if (w.text.empty() || w.text.size() > kMaxWordBytes) {
      return {ErrorCode::kInvalidArgument, "word " + std::to_string(i) + " has a bad length"};
    }
    for (char c : w.text) {
      if (!valid_word_byte(static_cast<std::uint8_t>(c))) {
        return {ErrorCode::kInvalidArgument, "word " + std::to_string(i) + " holds a space"};
      }
    }
    if (w.start < prev_end || w.end <= w.start || w.end >= kMaxTicks ||
        w.pitch_start > kMaxPitchCode || w.pitch_end > kMaxPitchCode || w.energy > kMaxEnergyCode) {
      return {ErrorCode::kInvalidArgument,
              "word " + std::to_string(i) + " has bad timing or prosody"};
    }
    prev_end = w.end;
    if (i > 0) raw.push_back(' ');
    raw.insert(raw.end(), w.text.begin(), w.text.end());
  }
  raw.push_back('\n');
  prev_end = 0;
  for (const Word& w : t.words) {
    put_varint(raw, w.start - prev_end);
    prev_end = w.end;
  }
  for (const Word& w : t.words) put_varint(raw, w.end - w.start);
  for (const Word& w : t.words) raw.push_back(w.pitch_start);
  for (const Word& w : t.words) raw.push_back(w.pitch_end);
  for (const Word& w : t.words) raw.push_back(w.energy);
  return {};
}

Status parse(std::span<const std::uint8_t> raw, Transcript& t) {
  t = {};
  Reader r(raw);
  std::uint64_t count = 0;
  std::uint8_t voice = 0;
  if (!r.varint(count) || !r.byte(voice)) return corrupt("truncated header");
  // Every word takes at least 6 bytes (text, gap, duration, two pitches, energy).
  if (count > r.left() / 6 + 1) return corrupt("word count larger than the payload");
  if (voice > 1) return corrupt("unknown voice " + std::to_string(voice));
  t.voice = static_cast<Voice>(voice);
  t.words.resize(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string& text = t.words[i].text;
    std::uint8_t c = 0;
    for (;;) {
      if (!r.byte(c)) return corrupt("truncated text");
      if (c == ' ' || c == '\n') break;
      if (!valid_word_byte(c)) return corrupt("bad byte in the text");
      text.push_back(static_cast<char>(c));
      if (text.size() > kMaxWordBytes) return corrupt("word too long");
    }
    if (text.empty()) return corrupt("empty word");
    if ((c == '\n') != (i + 1 == count)) return corrupt("word count does not match the text");
  }
  if (count == 0) {
    std::uint8_t c = 0;
    if (!r.byte(c) || c != '\n') return corrupt("missing end of text");
  }
  std::uint64_t time = 0;
  for (Word& w : t.words) {
    std::uint64_t gap = 0;
    if (!r.varint(gap) || gap >= kMaxTicks) return corrupt("bad pause");
    time += gap;
    if (time >= kMaxTicks) return corrupt("timings overflow");
    w.start = static_cast<std::uint32_t>(time);
    w.end = w.start;  // the duration column follows
  }
  for (Word& w : t.words) {
    std::uint64_t dur = 0;
    if (!r.varint(dur) || dur == 0 || dur >= kMaxTicks) return corrupt("bad word duration");
    if (w.start + dur >= kMaxTicks) return corrupt("timings overflow");
    w.end = static_cast<std::uint32_t>(w.start + dur);
  }
  // Gaps count from the previous word's end, so starts so far ignore durations: shift them.
  std::uint64_t shift = 0;
  for (Word& w : t.words) {
    const std::uint64_t dur = w.end - w.start;
    if (w.start + shift + dur >= kMaxTicks) return corrupt("timings overflow");
    w.start = static_cast<std::uint32_t>(w.start + shift);
    w.end = static_cast<std::uint32_t>(w.start + dur);
    shift += dur;
  }
  for (Word& w : t.words) {
    if (!r.byte(w.pitch_start) || w.pitch_start > kMaxPitchCode) return corrupt("bad pitch");
  }
  for (Word& w : t.words) {
    if (!r.byte(w.pitch_end) || w.pitch_end > kMaxPitchCode) return corrupt("bad pitch");
  }
  for (Word& w : t.words) {
    if (!r.byte(w.energy) || w.energy > kMaxEnergyCode) return corrupt("bad energy");
  }
  if (r.left() != 0) return corrupt("trailing bytes");
  return {};
}

Status encode_payload(const Transcript& transcript, std::vector<std::uint8_t>& payload) {
  payload.clear();
  std::vector<std::uint8_t> raw;
  if (Status s = serialize(transcript, raw); !s) return s;
  CompressOptions options;
  options.model = "cm";
  options.media = "bytes";
  options.level = kPayloadLevel;
  return compress(raw, payload, options);
}

Status decode_payload(std::span<const std::uint8_t> payload, Transcript& transcript) {
  std::vector<std::uint8_t> raw;
  if (Status s = decompress(payload, raw); !s) {
    return {s.code(), "speech payload: " + s.message()};
  }
  return parse(raw, transcript);
}

}  // namespace lmpack::speech
