// Lossy speech mode, the exact parts: payload codec, archive container, WER, resampler and the
// speech detector. (Recognition and synthesis run in tests/cli/speech.sh.)
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn/rng.h"
#include "speech/archive.h"
#include "speech/audio_input.h"
#include "speech/payload.h"
#include "speech/prosody.h"
#include "speech/recognizer.h"
#include "speech/resample.h"
#include "speech/wer.h"

namespace lmpack::speech {
namespace {

Transcript sample_transcript() {
  Transcript t;
  t.voice = Voice::kMale;
  const char* words[] = {"please", "leave", "a", "message", "after", "the", "tone", "goodbye"};
  std::uint32_t time = 3;
  std::uint8_t k = 0;
  for (const char* w : words) {
    Word word;
    word.text = w;
    word.start = time;
    word.end = time + 5 + k % 7;
    word.pitch_start = static_cast<std::uint8_t>(k % 3 == 0 ? 0 : 20 + k);
    word.pitch_end = static_cast<std::uint8_t>(kMaxPitchCode - k);
    word.energy = static_cast<std::uint8_t>(k * 3 % (kMaxEnergyCode + 1));
    time = word.end + (k % 4 == 0 ? 40 : 0);
    t.words.push_back(word);
    ++k;
  }
  return t;
}

Transcript random_transcript(nn::Rng& rng, std::size_t words) {
  Transcript t;
  t.voice = static_cast<Voice>(static_cast<std::uint32_t>(rng.next() >> 32) % 2);
  std::uint32_t time = static_cast<std::uint32_t>(rng.next() >> 32) % 1000;
  for (std::size_t i = 0; i < words; ++i) {
    Word w;
    const std::size_t len = 1 + static_cast<std::uint32_t>(rng.next() >> 32) % 12;
    for (std::size_t c = 0; c < len; ++c)
      w.text.push_back(static_cast<char>(0x21 + static_cast<std::uint32_t>(rng.next() >> 32) % 94));
    w.start = time + static_cast<std::uint32_t>(rng.next() >> 32) % 300;
    w.end = w.start + 1 + static_cast<std::uint32_t>(rng.next() >> 32) % 200;
    w.pitch_start = static_cast<std::uint8_t>(static_cast<std::uint32_t>(rng.next() >> 32) %
                                              (kMaxPitchCode + 1));
    w.pitch_end = static_cast<std::uint8_t>(static_cast<std::uint32_t>(rng.next() >> 32) %
                                            (kMaxPitchCode + 1));
    w.energy = static_cast<std::uint8_t>(static_cast<std::uint32_t>(rng.next() >> 32) %
                                         (kMaxEnergyCode + 1));
    time = w.end;
    t.words.push_back(w);
  }
  return t;
}

void expect_same(const Transcript& a, const Transcript& b) {
  EXPECT_EQ(a.voice, b.voice);
  ASSERT_EQ(a.words.size(), b.words.size());
  for (std::size_t i = 0; i < a.words.size(); ++i) {
    const Word &x = a.words[i], &y = b.words[i];
    EXPECT_EQ(x.text, y.text) << i;
    EXPECT_EQ(x.start, y.start) << i;
    EXPECT_EQ(x.end, y.end) << i;
    EXPECT_EQ(x.pitch_start, y.pitch_start) << i;
    EXPECT_EQ(x.pitch_end, y.pitch_end) << i;
    EXPECT_EQ(x.energy, y.energy) << i;
  }
}

TEST(SpeechPayload, RawRoundTripIsExact) {
  nn::Rng rng(7);
  for (std::size_t words : {0, 1, 2, 17, 300}) {
    const Transcript t = words == 17 ? sample_transcript() : random_transcript(rng, words);
    std::vector<std::uint8_t> raw;
    ASSERT_TRUE(serialize(t, raw));
    Transcript back;
    ASSERT_TRUE(parse(raw, back)) << words;
    expect_same(t, back);
  }
}

TEST(SpeechPayload, CodedRoundTripIsExactAndSmall) {
  const Transcript t = sample_transcript();
  std::vector<std::uint8_t> payload;
  ASSERT_TRUE(encode_payload(t, payload));
  Transcript back;
  ASSERT_TRUE(decode_payload(payload, back));
  expect_same(t, back);
  // An empty transcript is a valid, near-empty payload.
  ASSERT_TRUE(encode_payload(Transcript{}, payload));
  EXPECT_LT(payload.size(), 80u);
  ASSERT_TRUE(decode_payload(payload, back));
  EXPECT_TRUE(back.words.empty());
}

TEST(SpeechPayload, SerializeRejectsBadTranscripts) {
  std::vector<std::uint8_t> raw;
  Transcript t = sample_transcript();
  t.words[2].text = "two words";
  EXPECT_EQ(serialize(t, raw).code(), ErrorCode::kInvalidArgument);
  t = sample_transcript();
  t.words[3].start = t.words[2].end - 1;  // overlaps the previous word
  EXPECT_EQ(serialize(t, raw).code(), ErrorCode::kInvalidArgument);
  t = sample_transcript();
  t.words[1].pitch_end = kMaxPitchCode + 1;
  EXPECT_EQ(serialize(t, raw).code(), ErrorCode::kInvalidArgument);
  t = sample_transcript();
  t.words[0].text.clear();
  EXPECT_EQ(serialize(t, raw).code(), ErrorCode::kInvalidArgument);
}

TEST(SpeechPayload, ParseRejectsEveryTruncationAndBadFields) {
  std::vector<std::uint8_t> raw;
  ASSERT_TRUE(serialize(sample_transcript(), raw));
  Transcript back;
  for (std::size_t n = 0; n < raw.size(); ++n) {
    EXPECT_EQ(parse({raw.data(), n}, back).code(), ErrorCode::kCorrupt) << n;
  }
  std::vector<std::uint8_t> longer = raw;
  longer.push_back(0);
  EXPECT_EQ(parse(longer, back).code(), ErrorCode::kCorrupt);
  std::vector<std::uint8_t> bad = raw;
  bad[1] = 2;  // voice
  EXPECT_EQ(parse(bad, back).code(), ErrorCode::kCorrupt);
  bad = raw;
  bad.back() = kMaxEnergyCode + 1;
  EXPECT_EQ(parse(bad, back).code(), ErrorCode::kCorrupt);
  bad = raw;
  bad[0] = 0x7F;  // far more words than bytes
  EXPECT_EQ(parse(bad, back).code(), ErrorCode::kCorrupt);
  // Every single-byte change either parses to something valid or fails cleanly.
  for (std::size_t i = 0; i < raw.size(); ++i) {
    bad = raw;
    bad[i] ^= 0x5A;
    Transcript any;
    const Status s = parse(bad, any);
    if (s) {
      std::vector<std::uint8_t> again;
      EXPECT_TRUE(serialize(any, again)) << i;
    }
  }
}

TEST(SpeechArchive, RoundTripsAndRejectsDamage) {
  SpeechArchive a;
  a.sample_rate = 8000;
  a.channels = 1;
  a.bits = 16;
  a.frames = 480000;
  ASSERT_TRUE(encode_payload(sample_transcript(), a.payload));
  const std::vector<std::uint8_t> bytes = write_archive(a);
  ASSERT_EQ(bytes.size(), kHeaderSize + a.payload.size() + kTrailerSize);
  SpeechArchive back;
  ASSERT_TRUE(read_archive(bytes, back));
  EXPECT_EQ(back.sample_rate, 8000u);
  EXPECT_EQ(back.channels, 1);
  EXPECT_EQ(back.bits, 16);
  EXPECT_EQ(back.frames, 480000u);
  EXPECT_EQ(back.payload, a.payload);
  EXPECT_DOUBLE_EQ(duration_seconds(back), 60.0);

  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const Status s = read_archive({bytes.data(), n}, back);
    EXPECT_FALSE(s) << n;
    if (n >= 4) {
      EXPECT_EQ(s.code(), ErrorCode::kTruncated) << n;
    }
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::uint8_t> bad = bytes;
      bad[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(read_archive(bad, back)) << i << ":" << bit;
    }
  }
  std::vector<std::uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(read_archive(longer, back));
  std::vector<std::uint8_t> future = bytes;
  future[4] = 2;
  EXPECT_EQ(read_archive(future, back).code(), ErrorCode::kUnsupportedVersion);
  const std::vector<std::uint8_t> lossless = {'L', 'M', 'P', 'K', 1, 0, 0, 0};
  EXPECT_EQ(read_archive(lossless, back).code(), ErrorCode::kNotAnArchive);
  EXPECT_FALSE(is_speech_archive(lossless));
  EXPECT_TRUE(is_speech_archive(bytes));
}

TEST(SpeechWer, CountsSubstitutionsDeletionsInsertions) {
  using V = std::vector<std::string>;
  EXPECT_EQ(word_error_rate(V{}, V{}).errors, 0u);
  EXPECT_DOUBLE_EQ(word_error_rate(V{}, V{}).rate(), 0.0);
  EXPECT_EQ(word_error_rate(V{"a", "b", "c"}, V{"a", "b", "c"}).errors, 0u);
  EXPECT_EQ(word_error_rate(V{"a", "b", "c"}, V{"a", "x", "c"}).errors, 1u);       // substitution
  EXPECT_EQ(word_error_rate(V{"a", "b", "c"}, V{"a", "c"}).errors, 1u);            // deletion
  EXPECT_EQ(word_error_rate(V{"a", "b", "c"}, V{"a", "b", "b", "c"}).errors, 1u);  // insertion
  EXPECT_EQ(word_error_rate(V{"a", "b", "c", "d"}, V{"x", "y"}).errors, 4u);
  const WerResult r =
      word_error_rate(V{"the", "cat", "sat", "on", "mat"}, V{"a", "cat", "sat", "mat"});
  EXPECT_EQ(r.errors, 2u);
  EXPECT_EQ(r.reference_words, 5u);
  EXPECT_DOUBLE_EQ(r.rate(), 0.4);
  EXPECT_DOUBLE_EQ(word_error_rate(V{}, V{"noise"}).rate(), 1.0);
}

TEST(SpeechResample, KeepsLengthToneAndSilence) {
  std::vector<float> tone(8000);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = float(0.5 * std::sin(2 * M_PI * 440.0 * i / 8000.0));
  const std::vector<float> up = resample(tone, 8000, 16000);
  ASSERT_EQ(up.size(), 16000u);
  // The tone survives: compare with the ideal 16 kHz tone away from the edges.
  double err = 0.0;
  for (std::size_t i = 1000; i < 15000; ++i) {
    err = std::max(err, std::fabs(up[i] - 0.5 * std::sin(2 * M_PI * 440.0 * i / 16000.0)));
  }
  EXPECT_LT(err, 0.02);
  const std::vector<float> down = resample(std::vector<float>(44100, 0.0f), 44100, 16000);
  EXPECT_EQ(down.size(), 16000u);
  for (float s : down) ASSERT_EQ(s, 0.0f);
  // Same input, same output.
  EXPECT_EQ(resample(tone, 8000, 16000), up);
}

TEST(SpeechResample, ImageUpsamplingStuffsZeros) {
  const std::vector<float> in{0.5f, -0.25f, 1.0f};
  EXPECT_EQ(upsample2_with_image(in), (std::vector<float>{0.5f, 0.0f, -0.25f, 0.0f, 1.0f, 0.0f}));
  EXPECT_TRUE(upsample2_with_image(std::vector<float>{}).empty());
}

TEST(SpeechRegions, SilenceHasNoneAndABurstIsFound) {
  std::vector<float> silence(kRecognizerRate * 2, 0.0f);
  EXPECT_TRUE(speech_regions(silence).empty());
  std::vector<float> burst = silence;
  for (std::size_t i = 8000; i < 24000; ++i)
    burst[i] = float(0.3 * std::sin(2 * M_PI * 200.0 * i / 16000.0));
  const auto regions = speech_regions(burst);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_LE(regions[0].first, 8000u);
  EXPECT_GE(regions[0].second, 24000u);
}

TEST(SpeechProsody, PitchOfAToneAndCodes) {
  std::vector<float> tone(kRecognizerRate / 2);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = float(0.3 * std::sin(2 * M_PI * 200.0 * i / 16000.0));
  const double f0 = frame_pitch(tone, tone.size() / 2);
  EXPECT_NEAR(f0, 200.0, 3.0);
  EXPECT_EQ(frame_pitch(std::vector<float>(8000, 0.0f), 4000), 0.0);
  EXPECT_EQ(pitch_code(0.0), 0);
  EXPECT_EQ(pitch_code(50.0), 1);
  EXPECT_EQ(pitch_code(100.0), 13);
  EXPECT_NEAR(pitch_hz(pitch_code(200.0)), 200.0, 6.0);
  EXPECT_EQ(pitch_code(5000.0), kMaxPitchCode);
  EXPECT_EQ(energy_code(0.0), 0);
  EXPECT_EQ(energy_code(1.0), kMaxEnergyCode);
}

TEST(SpeechAudio, WavWriterAndReaderAgree) {
  std::vector<float> samples = {0.0f, 0.5f, -0.5f, 1.0f, -1.0f};
  const std::vector<std::uint8_t> wav = write_wav16(samples, 16000);
  EXPECT_EQ(wav.size(), 44u + 10u);
  MonoAudio audio;
  ASSERT_TRUE(read_audio(wav, audio));
  EXPECT_EQ(audio.sample_rate, 16000u);
  ASSERT_EQ(audio.samples.size(), samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) EXPECT_NEAR(audio.samples[i], samples[i], 1e-4);
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(read_audio(text, audio).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace lmpack::speech
