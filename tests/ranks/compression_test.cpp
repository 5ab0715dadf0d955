// ranks/compression.h and the frame hooks of protocol.h: round trips, link choice, and corrupt
// input that must be a clear CompressionError (never a crash, an over-read or wrong bytes).
#include "ranks/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/batch.h"
#include "ranks/protocol.h"

namespace plume::ranks {
namespace {

std::string Random(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

std::string Repetitive(std::size_t n) {
  std::string s;
  while (s.size() < n)
    s += "2020-08-10T01:00,PM2.5,UG/M3,Seattle Park," + std::to_string(s.size() % 97);
  s.resize(n);
  return s;
}

engine::Batch SampleBatch(std::size_t rows) {
  engine::Batch b;
  b.columns.resize(2);
  b.columns[0].type = engine::Type::kInt64;
  b.columns[1].type = engine::Type::kString;
  b.columns[1].offsets.push_back(0);
  for (std::size_t i = 0; i < rows; ++i) {
    b.columns[0].ints.push_back(static_cast<std::int64_t>(i % 300));
    b.columns[1].chars += i % 3 ? "OZONE" : "PM2.5";
    b.columns[1].offsets.push_back(static_cast<std::uint32_t>(b.columns[1].chars.size()));
  }
  b.rows = rows;
  return b;
}

class CodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTripsEveryKindOfInput) {
  for (const std::string& raw : {std::string(), std::string("x"), Repetitive(1000),
                                 Repetitive(3 << 20), Random(200000, 1)}) {
    std::string block, back = "stale";
    Compress(GetParam(), raw, &block);
    Decompress(GetParam(), block, &back);
    EXPECT_EQ(back, raw) << raw.size() << " bytes";
  }
  std::string block;
  Compress(GetParam(), Repetitive(100000), &block);
  EXPECT_LT(block.size(), 100000u / 4) << "repetitive text should compress well";
}

TEST_P(CodecTest, TruncatedInputIsAnErrorAtEveryLength) {
  std::string block;
  Compress(GetParam(), Repetitive(5000), &block);
  for (std::size_t n = 0; n < block.size(); ++n) {
    std::string out;
    EXPECT_THROW(Decompress(GetParam(), std::string_view(block).substr(0, n), &out),
                 CompressionError)
        << n;
  }
}

TEST_P(CodecTest, FlippedBytesAreAnErrorOrChangeNothing) {
  std::string block;
  const std::string raw = Repetitive(20000);
  Compress(GetParam(), raw, &block);
  std::mt19937 gen(7);
  int decoded = 0;
  for (int trial = 0; trial < 500; ++trial) {
    std::string bad = block;
    bad[gen() % bad.size()] ^= static_cast<char>(1 + gen() % 255);
    std::string out;
    try {
      Decompress(GetParam(), bad, &out);
      ++decoded;  // a byte the decoder does not use (e.g. a zstd header field): same bytes
      EXPECT_EQ(out, raw) << trial;
    } catch (const CompressionError&) {
    }
  }
  EXPECT_LT(decoded, 50) << "most flipped bytes must be caught";
}

TEST_P(CodecTest, ErrorsSayWhatWasWrong) {
  std::string block, out;
  Compress(GetParam(), Repetitive(100), &block);
  block[0] = '\xff';  // raw size far above the limit
  block[7] = '\x7f';
  try {
    Decompress(GetParam(), block, &out);
    FAIL() << "no error";
  } catch (const CompressionError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt " + CodecName(GetParam()) + " frame"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("more than the limit"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecTest, ::testing::Values(Codec::kLz4, Codec::kZstd),
                         [](const auto& param_info) { return CodecName(param_info.param); });

TEST(Compression, UnknownCodecsAreErrors) {
  std::string out;
  EXPECT_THROW(Compress(Codec::kNone, "abc", &out), CompressionError);
  EXPECT_THROW(Decompress(static_cast<Codec>(9), std::string(40, 'a'), &out), CompressionError);
  EXPECT_EQ(CodecName(static_cast<Codec>(9)), "codec 9");
}

TEST(Compression, ModesAndLinks) {
  EXPECT_EQ(ParseCompressMode("auto"), CompressMode::kAuto);
  EXPECT_EQ(ParseCompressMode("zstd"), CompressMode::kZstd);
  EXPECT_EQ(ParseCompressMode("LZ4"), std::nullopt);
  EXPECT_EQ(ModeName(CompressMode::kOff), "off");
  EXPECT_EQ(LinkCodec(CompressMode::kAuto, true), Codec::kNone);
  EXPECT_EQ(LinkCodec(CompressMode::kAuto, false), Codec::kLz4);
  EXPECT_EQ(LinkCodec(CompressMode::kOff, false), Codec::kNone);
  EXPECT_EQ(LinkCodec(CompressMode::kZstd, true), Codec::kZstd);
}

TEST(Compression, FramesKeepTheirHeaderAndDecodeToTheSameBatch) {
  const engine::Batch batch = SampleBatch(1000);
  FrameEncoder encoder;
  const std::string plain = encoder.Encode({4, 7, 1000, 5}, batch);
  for (Codec codec : {Codec::kLz4, Codec::kZstd}) {
    std::string frame = plain;
    ASSERT_TRUE(CompressFrame(codec, &frame));
    EXPECT_LT(frame.size(), plain.size());
    FrameHeader h = PeekFrame(frame);
    EXPECT_EQ(h.codec, static_cast<std::uint32_t>(codec));
    EXPECT_EQ(h.request, 4u);
    EXPECT_EQ(h.sequence, 7u);
    // A leader's rewrite keeps the codec of the body it forwards.
    RewriteFrame({4, 9, 1000, 5}, &frame);
    EXPECT_EQ(PeekFrame(frame).codec, static_cast<std::uint32_t>(codec));
    EXPECT_EQ(PeekFrame(frame).sequence, 9u);
    ASSERT_TRUE(CompressFrame(Codec::kZstd, &frame));  // already compressed: unchanged
    std::string scratch;
    const std::string_view plain_body = std::string_view(plain).substr(sizeof(FrameHeader));
    EXPECT_EQ(FrameBody(frame, &scratch), plain_body);
    frame[frame.size() / 2] ^= 0x55;
    EXPECT_THROW(FrameBody(frame, &scratch), CompressionError);
  }
  std::string frame = plain;
  EXPECT_FALSE(CompressFrame(Codec::kNone, &frame));
  EXPECT_EQ(frame, plain);
  std::string scratch;
  EXPECT_EQ(FrameBody(frame, &scratch).size(), plain.size() - sizeof(FrameHeader));
}

TEST(Compression, IncompressibleFramesStayUncompressed) {
  engine::Batch b;
  b.columns.resize(1);
  b.columns[0].type = engine::Type::kString;
  b.columns[0].offsets = {0};
  b.columns[0].chars = Random(50000, 3);
  b.columns[0].offsets.push_back(50000);
  b.rows = 1;
  std::string frame = EncodeFrame({1, 0, 1, 1}, b, 0);
  const std::string before = frame;
  EXPECT_FALSE(CompressFrame(Codec::kLz4, &frame));
  EXPECT_EQ(frame, before);
  EXPECT_EQ(PeekFrame(frame).codec, 0u);
}

}  // namespace
}  // namespace plume::ranks
