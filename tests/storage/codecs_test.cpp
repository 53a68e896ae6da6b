// Tests of the compressors: round trips, numcodecs-compatible configs and
// test vectors, and robustness against corrupt input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using Data = std::vector<std::uint8_t>;

// ---- helpers ----------------------------------------------------------------

Data random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Data d(n);
  for (auto& b : d) b = static_cast<std::uint8_t>(rng());
  return d;
}

// Values that shuffling and LZ compressors can exploit: a slow ramp of
// little-endian 32-bit integers with some noise in the low byte.
Data ramp_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Data d(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t value = static_cast<std::uint32_t>(i / 4) * 3 + (rng() % 4);
    d[i] = static_cast<std::uint8_t>(value >> (8 * (i % 4)));
  }
  return d;
}

Data text_bytes(std::size_t n) {
  const std::string phrase = "the quick brown fox jumps over the lazy dog; ";
  Data d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<std::uint8_t>(phrase[i % phrase.size()]);
  return d;
}

Data from_hex(std::string_view hex) {
  Data d;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    d.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return d;
}

Data to_data(const Bytes& b) { return Data(b.begin(), b.end()); }

// Decoding must either throw CodecError or give exactly `size` bytes; any
// other outcome (another exception, a crash under the sanitizers) fails.
void expect_codec_error_or_size(const Codec& codec, const Data& encoded, std::size_t size) {
  try {
    Bytes out = codec.decode(encoded, size);
    EXPECT_EQ(out.size(), size) << codec.config_json();
  } catch (const CodecError&) {
  }
}

// Every variant of every codec, as numcodecs configs.
const std::vector<std::string>& all_configs() {
  static const std::vector<std::string> configs = {
      R"({"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0})",
      R"({"id":"blosc","cname":"lz4","clevel":0,"shuffle":0,"blocksize":0})",
      R"({"id":"blosc","cname":"lz4","clevel":9,"shuffle":-1,"blocksize":0})",
      R"({"id":"blosc","cname":"lz4hc","clevel":5,"shuffle":2,"blocksize":0})",
      R"({"id":"blosc","cname":"blosclz","clevel":5,"shuffle":1,"blocksize":0})",
      R"({"id":"blosc","cname":"blosclz","clevel":1,"shuffle":2,"blocksize":4096})",
      R"({"id":"blosc","cname":"zlib","clevel":5,"shuffle":-1,"blocksize":0})",
      R"({"id":"blosc","cname":"zstd","clevel":3,"shuffle":1,"blocksize":65536})",
      R"({"id":"blosc","cname":"zstd","clevel":9,"shuffle":0,"blocksize":100})",
      R"({"id":"zstd","level":1})",
      R"({"id":"zstd","level":-5})",
      R"({"id":"zstd","level":0})",
      R"({"id":"zstd","level":19})",
      R"({"id":"zstd","level":3,"checksum":true})",
      R"({"id":"lz4","acceleration":1})",
      R"({"id":"lz4","acceleration":50})",
      R"({"id":"zlib","level":1})",
      R"({"id":"zlib","level":0})",
      R"({"id":"zlib","level":-1})",
      R"({"id":"zlib","level":9})",
      R"({"id":"gzip","level":1})",
      R"({"id":"gzip","level":0})",
      R"({"id":"gzip","level":9})",
      R"({"id":"bz2","level":1})",
      R"({"id":"bz2","level":9})",
      R"({"id":"lzma","format":1,"check":-1,"preset":null,"filters":null})",
      R"({"id":"lzma","format":1,"check":0,"preset":0,"filters":null})",
      R"({"id":"lzma","format":1,"check":1,"preset":1,"filters":null})",
      R"({"id":"lzma","format":1,"check":4,"preset":2147483651,"filters":null})",
      R"({"id":"lzma","format":1,"check":10,"preset":9,"filters":null})",
      R"({"id":"lzma","format":2,"check":-1,"preset":null,"filters":null})",
      R"({"id":"lzma","format":2,"check":0,"preset":3,"filters":null})",
      R"({"id":"lzma","format":0,"check":-1,"preset":1,"filters":null})",
  };
  return configs;
}

std::string config_test_name(const testing::TestParamInfo<std::string>& info) {
  nlohmann::json j = nlohmann::json::parse(info.param);
  return j["id"].get<std::string>() + "_" + std::to_string(info.index);
}

class CodecVariantTest : public testing::TestWithParam<std::string> {
 protected:
  CodecPtr codec() const { return codec_from_json(GetParam()); }

  // Round trip with a check of max_encoded_size.
  void round_trip(const Data& raw, std::size_t item_size) const {
    CodecPtr c = codec();
    Bytes encoded = c->encode(raw, item_size);
    EXPECT_GE(c->max_encoded_size(static_cast<std::int64_t>(raw.size())),
              static_cast<std::int64_t>(encoded.size()))
        << GetParam() << " raw " << raw.size();
    Bytes decoded = c->decode(to_data(encoded), raw.size());
    ASSERT_EQ(decoded.size(), raw.size()) << GetParam() << " item size " << item_size;
    EXPECT_TRUE(std::equal(decoded.begin(), decoded.end(), raw.begin()))
        << GetParam() << " item size " << item_size << " raw " << raw.size();
  }
};

// ---- round trips --------------------------------------------------------------

TEST_P(CodecVariantTest, RoundTripsPatternsAndItemSizes) {
  const std::vector<Data> inputs = {
      Data{},
      Data{0x5a},
      Data(3, 0),
      Data(1000, 0),
      Data(1000, 0xff),
      ramp_bytes(4096, 1),
      ramp_bytes(100003, 2),  // not a multiple of any item size
      text_bytes(50000),
      random_bytes(1, 3),
      random_bytes(17, 4),
      random_bytes(65536, 5),  // incompressible
  };
  for (std::size_t item_size : {1, 2, 4, 8, 16, 3, 300}) {
    for (const Data& raw : inputs) round_trip(raw, item_size);
  }
}

TEST_P(CodecVariantTest, RoundTripsSeveralMegabytes) {
  Data raw = ramp_bytes(3 << 20, 6);
  // An incompressible stretch in the middle.
  Data noise = random_bytes(256 << 10, 7);
  std::copy(noise.begin(), noise.end(), raw.begin() + (1 << 20));
  round_trip(raw, 4);
  round_trip(random_bytes(2 << 20, 8), 8);
}

TEST_P(CodecVariantTest, ConfigRoundTripsThroughCodecFromJson) {
  CodecPtr c = codec();
  std::string config = c->config_json();
  EXPECT_EQ(nlohmann::json::parse(config), nlohmann::json::parse(GetParam()));
  CodecPtr again = codec_from_json(config);
  EXPECT_EQ(again->config_json(), config);
  EXPECT_EQ(again->id(), c->id());
  EXPECT_EQ(nlohmann::json::parse(config)["id"], std::string(c->id()));
  // The same settings give the same bytes.
  Data raw = ramp_bytes(10000, 9);
  EXPECT_EQ(to_data(c->encode(raw, 4)), to_data(again->encode(raw, 4)));
}

TEST_P(CodecVariantTest, MaxEncodedSizeBoundsWorstCases) {
  CodecPtr c = codec();
  for (std::size_t n : {0, 1, 2, 15, 16, 17, 100, 255, 4096, 65535, 65536, 65537, 300000}) {
    Bytes encoded = c->encode(random_bytes(n, static_cast<std::uint32_t>(n)), 1);
    EXPECT_GE(c->max_encoded_size(static_cast<std::int64_t>(n)),
              static_cast<std::int64_t>(encoded.size()))
        << GetParam() << " n " << n;
  }
  EXPECT_GE(c->max_encoded_size(std::int64_t{1} << 40), std::int64_t{1} << 40);
}

// ---- corrupt input ------------------------------------------------------------

TEST_P(CodecVariantTest, TruncatedInputThrows) {
  CodecPtr c = codec();
  for (const Data& raw : {ramp_bytes(20000, 10), random_bytes(3000, 11), Data(5, 7), Data{}}) {
    Data encoded = to_data(c->encode(raw, 4));
    // Every length for short encodings, a spread for long ones.
    std::size_t step = std::max<std::size_t>(1, encoded.size() / 400);
    for (std::size_t len = 0; len < encoded.size(); len += (len < 64 ? 1 : step)) {
      Data prefix(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(len));
      EXPECT_THROW(c->decode(prefix, raw.size()), CodecError)
          << GetParam() << " truncated to " << len << " of " << encoded.size();
    }
  }
}

TEST_P(CodecVariantTest, CorruptedInputNeverCrashes) {
  CodecPtr c = codec();
  Data raw = ramp_bytes(5000, 12);
  Data encoded = to_data(c->encode(raw, 4));
  std::mt19937 rng(13);
  // Each byte of the first 100 (headers) set to a few values, then random
  // single and multiple byte flips everywhere.
  for (std::size_t i = 0; i < std::min<std::size_t>(encoded.size(), 100); ++i) {
    for (std::uint8_t value : {0x00, 0xff, 0x80, 0x01}) {
      Data bad = encoded;
      bad[i] = static_cast<std::uint8_t>(bad[i] == value ? value ^ 0x10 : value);
      expect_codec_error_or_size(*c, bad, raw.size());
    }
  }
  for (int trial = 0; trial < 300; ++trial) {
    Data bad = encoded;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    }
    expect_codec_error_or_size(*c, bad, raw.size());
  }
}

TEST_P(CodecVariantTest, GarbageInputThrows) {
  CodecPtr c = codec();
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 64, 1000, 100000}) {
    for (std::uint32_t seed = 0; seed < 4; ++seed) {
      Data garbage = random_bytes(n, seed * 1000 + static_cast<std::uint32_t>(n));
      EXPECT_THROW(c->decode(garbage, 1000), CodecError) << GetParam() << " n " << n;
    }
  }
  // Valid encodings of another codec's format are garbage too.
  Bytes other = make_zstd_codec(1)->encode(text_bytes(1000), 1);
  if (c->id() != "zstd") {
    EXPECT_THROW(c->decode(to_data(other), 1000), CodecError);
  }
}

TEST_P(CodecVariantTest, WrongExpectedSizeThrows) {
  CodecPtr c = codec();
  Data raw = ramp_bytes(10000, 14);
  Data encoded = to_data(c->encode(raw, 4));
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, raw.size() - 1, raw.size() + 1,
                           raw.size() * 2, std::size_t{1} << 20}) {
    try {
      c->decode(encoded, size);
      ADD_FAILURE() << GetParam() << " decoded to " << size << " bytes without error";
    } catch (const CodecError& e) {
      std::string message = e.what();
      EXPECT_NE(message.find(std::string(c->id())), std::string::npos) << message;
      EXPECT_NE(message.find(std::to_string(size)), std::string::npos) << message;
    }
  }
  Data empty_encoded = to_data(c->encode(Data{}, 1));
  EXPECT_THROW(c->decode(empty_encoded, 1), CodecError) << GetParam();
}

TEST_P(CodecVariantTest, ConcurrentUseIsSafe) {
  CodecPtr c = codec();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Data raw = ramp_bytes(20000 + static_cast<std::size_t>(t * 1000 + i), t * 10 + i);
        Bytes decoded = c->decode(to_data(c->encode(raw, 4)), raw.size());
        if (std::equal(decoded.begin(), decoded.end(), raw.begin(), raw.end())) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ok[t], 5);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecVariantTest, testing::ValuesIn(all_configs()),
                         config_test_name);

// ---- numcodecs compatibility ------------------------------------------------

// Exactly what numcodecs 0.11's get_config() gives, keys sorted as zarr-python
// writes them.
TEST(CodecConfig, MatchesNumcodecsDefaults) {
  EXPECT_EQ(default_codec()->config_json(),
            R"({"blocksize":0,"clevel":5,"cname":"lz4","id":"blosc","shuffle":1})");
  EXPECT_EQ(make_blosc_codec()->config_json(), default_codec()->config_json());
  EXPECT_EQ(make_zstd_codec()->config_json(), R"({"id":"zstd","level":1})");
  EXPECT_EQ(make_lz4_codec()->config_json(), R"({"acceleration":1,"id":"lz4"})");
  EXPECT_EQ(make_zlib_codec()->config_json(), R"({"id":"zlib","level":1})");
  EXPECT_EQ(make_gzip_codec()->config_json(), R"({"id":"gzip","level":1})");
  EXPECT_EQ(make_bz2_codec()->config_json(), R"({"id":"bz2","level":1})");
  EXPECT_EQ(make_lzma_codec()->config_json(),
            R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":null})");
}

TEST(CodecConfig, MissingKeysTakeNumcodecsDefaults) {
  EXPECT_EQ(codec_from_json(R"({"id":"blosc"})")->config_json(), default_codec()->config_json());
  EXPECT_EQ(codec_from_json(R"({"id":"zstd"})")->config_json(), R"({"id":"zstd","level":1})");
  EXPECT_EQ(codec_from_json(R"({"id":"lz4"})")->config_json(), R"({"acceleration":1,"id":"lz4"})");
  EXPECT_EQ(codec_from_json(R"({"id":"zlib"})")->config_json(), R"({"id":"zlib","level":1})");
  EXPECT_EQ(codec_from_json(R"({"id":"gzip"})")->config_json(), R"({"id":"gzip","level":1})");
  EXPECT_EQ(codec_from_json(R"({"id":"bz2"})")->config_json(), R"({"id":"bz2","level":1})");
  EXPECT_EQ(codec_from_json(R"({"id":"lzma"})")->config_json(),
            R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":null})");
}

TEST(CodecConfig, ExactTextForParameters) {
  EXPECT_EQ(make_blosc_codec("zstd", 9, kBloscAutoShuffle, 256)->config_json(),
            R"({"blocksize":256,"clevel":9,"cname":"zstd","id":"blosc","shuffle":-1})");
  EXPECT_EQ(make_zstd_codec(7)->config_json(), R"({"id":"zstd","level":7})");
  // numcodecs 0.11 knows no checksum key; it is written only when set.
  EXPECT_EQ(make_zstd_codec(7, false)->config_json(), R"({"id":"zstd","level":7})");
  EXPECT_EQ(make_zstd_codec(7, true)->config_json(), R"({"checksum":true,"id":"zstd","level":7})");
  EXPECT_EQ(make_lz4_codec(9)->config_json(), R"({"acceleration":9,"id":"lz4"})");
  EXPECT_EQ(make_zlib_codec(9)->config_json(), R"({"id":"zlib","level":9})");
  EXPECT_EQ(make_gzip_codec(0)->config_json(), R"({"id":"gzip","level":0})");
  EXPECT_EQ(make_bz2_codec(9)->config_json(), R"({"id":"bz2","level":9})");
  EXPECT_EQ(make_lzma_codec(kLzmaFormatAlone, -1, 3)->config_json(),
            R"({"check":-1,"filters":null,"format":2,"id":"lzma","preset":3})");
  EXPECT_EQ(make_lzma_codec(kLzmaFormatXz, 10, 9 | kLzmaPresetExtreme)->config_json(),
            R"({"check":10,"filters":null,"format":1,"id":"lzma","preset":2147483657})");
}

TEST(CodecConfig, IdsAreNumcodecsIds) {
  EXPECT_EQ(default_codec()->id(), "blosc");
  EXPECT_EQ(make_zstd_codec()->id(), "zstd");
  EXPECT_EQ(make_lz4_codec()->id(), "lz4");
  EXPECT_EQ(make_zlib_codec()->id(), "zlib");
  EXPECT_EQ(make_gzip_codec()->id(), "gzip");
  EXPECT_EQ(make_bz2_codec()->id(), "bz2");
  EXPECT_EQ(make_lzma_codec()->id(), "lzma");
}

// Encodings made by numcodecs 0.11 (Debian python3-numcodecs) of a
// 400-byte uint32 array; decoding them checks byte compatibility.
TEST(NumcodecsVectors, DecodeNumcodecsOutput) {
  Data raw;
  for (int i = 0; i < 12; ++i) {
    for (char ch : std::string_view("numcodecs 0.11 test vector; ")) {
      raw.push_back(static_cast<std::uint8_t>(ch));
    }
  }
  for (int i = 0; i < 64; ++i) raw.push_back(static_cast<std::uint8_t>(i));
  ASSERT_EQ(raw.size(), 400u);
  struct Vector {
    const char* config;
    const char* hex;
  };
  const Vector vectors[] = {
      {R"({"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0})",
       "020131049001000090010000dd00000014000000c50000007f6e6f733165766f07003aff240004080c1014181c"
       "2024282c3034383c756420317365727564203173657275642031736572756420317365727564203173657223"
       "001eff240105090d1115191d2125292d3135393d6d65302074633b6d65302074633b6d65302074633b6d6530"
       "2074633b6d65302074633b23001eff2402060a0e12161a1e22262a2e32363a3e63632e7420742063632e7420"
       "742063632e7420742063632e7420742063632e7420742023001ef00103070b0f13171b1f23272b2f33373b3f"},
      {R"({"id":"blosc","cname":"zstd","clevel":3,"shuffle":2,"blocksize":0})",
       "02019404900100009001000086000000140000006e00000028b52ffd609000250300c4056e756d636f646563"
       "7320302e3131207465737420766563746f723b20000102030405060708090a0b0c0d0e0f1011121314151617"
       "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f0100c4bc"
       "3a9d"},
      {R"({"id":"blosc","cname":"zlib","clevel":1,"shuffle":-1,"blocksize":0})",
       "02017104900100009001000085000000140000006d0000007801cbcb2f364c2dcbcfa326c5c0c2c123202221"
       "a3a0a2a163606261539aa260589c5a44558a9195935750545256515553d7d0d4d23637d540a124d99aaa1413"
       "1b179f9098949c929a969e9199955d72b25e89428902552966766e7e6171697965756d7d63736b7b008c2b7a"
       "95"},
      {R"({"id":"blosc","cname":"lz4hc","clevel":9,"shuffle":1,"blocksize":0})",
       "0201310490010000900100008900000014000000710000007f6e6f733165766f07003aff080004080c101418"
       "1c2024282c3034383c7564203173657207003aff080105090d1115191d2125292d3135393d6d65302074633b"
       "07003aff0802060a0e12161a1e22262a2e32363a3e63632e7420742007003af00103070b0f13171b1f23272b"
       "2f33373b3f"},
      {R"({"id":"zstd","level":1})",
       "28b52ffd609000250300c4056e756d636f6465637320302e3131207465737420766563746f723b2000010203"
       "0405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
       "303132333435363738393a3b3c3d3e3f0100c4bc3a9d"},
      {R"({"id":"lz4","acceleration":1})",
       "90010000ff0d6e756d636f6465637320302e3131207465737420766563746f723b201c00ff22f03100010203"
       "0405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
       "303132333435363738393a3b3c3d3e3f"},
      {R"({"id":"zlib","level":1})",
       "7801cb2bcd4dce4f494d2e5630d033345428492d2e51284b4d2ec92fb256c81b9523395c181899985958d9d8"
       "3938b9b87978f9f8050485844544c5c42524a5a46564e5e4151495945554d5d43534b5b47574f5f40d0c8d8c"
       "4d4ccdcc2d2cadac6d6cedec010fdf7a95"},
      {R"({"id":"gzip","level":5})",
       "1f8b08000cd5066b00ffcb2bcd4dce4f494d2e5630d033345428492d2e51284b4d2ec92fb256c81b9523598e"
       "8191899985958d9d83938b9b87978f5f4050485844544c5c42524a5a46564e5e4151495945554d5d43534b5b"
       "47574fdfc0d0c8d8c4d4ccdcc2d2cadac6d6ce1e00692b793d90010000"},
      {R"({"id":"bz2","level":1})",
       "425a68313141592653594cee5c3900008bf9807fffffffffffffff8e039f002000841954f4406468d1a0c9a0"
       "0000c4d0c4003404954d0000001a0000000000d34d2e484249c9952e64d9ca2b3e82d4692f4ea3156b57b0cb"
       "565bb56e1bbf0028243a018c03830e2c7932e6cfa34ead7b36bc0175600bcb805200a68dcfefe1c608628c03"
       "cdbe9d7c3409a01360be827015c04e02a290dfe04f013f04c02800b0027c09d82701300bf8bb9229c2848267"
       "72e1c8"},
      {R"({"id":"lzma","format":1,"check":-1,"preset":null,"filters":null})",
       "fd377a585a000004e6d6b4460200210116000000742fe5a3e0018f00605d00371d49dda8291f5f3c3a59484c"
       "1aff582564f48802a6a5033d35a16f08385a31d4ad0286ce2e63224c36a89bc63d9dde6d7d6b77cd8afc5f25"
       "3f7dbef499f321b7b4856e3bfc7fcb03ebe7860ea4a07fd16aa51ca8b0943f46f1789c61667caa00011677a4"
       "6804ba5600017c90030000009991067cb1c467fb020000000004595a"},
      {R"({"id":"lzma","format":2,"check":-1,"preset":null,"filters":null})",
       "5d00008000ffffffffffffffff00371d49dda8291f5f3c3a59484c1aff582564f48802a6a5033d35a16f0838"
       "5a31d4ad0286ce2e63224c36a89bc63d9dde6d7d6b77cd8afc5f253f7dbef499f321b7b4856e3bfc7fcb03eb"
       "e7860ea4a07fd16aa51ca8b0943f46f1789c6f57a882fffd57f000"},
  };
  for (const Vector& v : vectors) {
    CodecPtr c = codec_from_json(v.config);
    Bytes decoded = c->decode(from_hex(v.hex), raw.size());
    EXPECT_EQ(to_data(decoded), raw) << v.config;
  }
  // lzma format 0 reads both containers.
  CodecPtr automatic = make_lzma_codec(kLzmaFormatAuto);
  EXPECT_EQ(to_data(automatic->decode(from_hex(vectors[9].hex), raw.size())), raw);
  EXPECT_EQ(to_data(automatic->decode(from_hex(vectors[10].hex), raw.size())), raw);
  // The wrong container is an error, not garbage.
  EXPECT_THROW(make_lzma_codec(kLzmaFormatAlone)->decode(from_hex(vectors[9].hex), raw.size()),
               CodecError);
  EXPECT_THROW(make_lzma_codec(kLzmaFormatXz)->decode(from_hex(vectors[10].hex), raw.size()),
               CodecError);
}

// ---- format details -----------------------------------------------------------

TEST(BloscFormat, HeaderRecordsShuffleAndTypesize) {
  Data raw = ramp_bytes(4000, 15);
  auto header = [&](int shuffle, std::size_t item_size) {
    return to_data(make_blosc_codec("lz4", 5, shuffle, 0)->encode(raw, item_size));
  };
  // flags byte 2: 0x1 byte shuffle, 0x4 bit shuffle; byte 3 is the typesize.
  EXPECT_EQ(header(kBloscShuffle, 4)[2] & 0x5, 0x1);
  EXPECT_EQ(header(kBloscShuffle, 4)[3], 4);
  EXPECT_EQ(header(kBloscBitShuffle, 4)[2] & 0x5, 0x4);
  EXPECT_EQ(header(kBloscNoShuffle, 4)[2] & 0x5, 0x0);
  // Auto: bit shuffle for single bytes, byte shuffle otherwise (numcodecs).
  EXPECT_EQ(header(kBloscAutoShuffle, 1)[2] & 0x5, 0x4);
  EXPECT_EQ(header(kBloscAutoShuffle, 8)[2] & 0x5, 0x1);
  EXPECT_EQ(header(kBloscAutoShuffle, 8)[3], 8);
}

TEST(BloscFormat, TrailingBytesAreRejected) {
  CodecPtr c = default_codec();
  Data raw = ramp_bytes(1000, 16);
  Data encoded = to_data(c->encode(raw, 4));
  encoded.push_back(0);
  EXPECT_THROW(c->decode(encoded, raw.size()), CodecError);
}

TEST(ZstdFormat, FramesRecordContentSize) {
  for (std::size_t n : {0, 1, 255, 256, 70000}) {
    Data encoded = to_data(make_zstd_codec(3)->encode(random_bytes(n, 17), 1));
    ASSERT_GE(encoded.size(), 6u);
    EXPECT_EQ(encoded[0], 0x28);  // magic 0xFD2FB528, little endian
    EXPECT_EQ(encoded[3], 0xfd);
    std::uint8_t descriptor = encoded[4];
    bool has_size = (descriptor >> 6) != 0 || (descriptor & 0x20) != 0;
    EXPECT_TRUE(has_size) << "n " << n;
  }
}

TEST(ZstdFormat, ChecksumDetectsCorruption) {
  Data raw = text_bytes(10000);
  CodecPtr with = make_zstd_codec(3, true);
  CodecPtr without = make_zstd_codec(3, false);
  Data a = to_data(with->encode(raw, 1));
  Data b = to_data(without->encode(raw, 1));
  EXPECT_EQ(a.size(), b.size() + 4);
  // Both decode with either codec: the frame says whether it has a checksum.
  EXPECT_EQ(to_data(without->decode(a, raw.size())), raw);
  EXPECT_EQ(to_data(with->decode(b, raw.size())), raw);
  a.back() ^= 1;
  EXPECT_THROW(with->decode(a, raw.size()), CodecError);
}

TEST(ZstdFormat, ConcatenatedFramesDecode) {
  CodecPtr c = make_zstd_codec(1);
  Data first = text_bytes(3000);
  Data second = ramp_bytes(5000, 18);
  Data encoded = to_data(c->encode(first, 1));
  Data more = to_data(c->encode(second, 1));
  encoded.insert(encoded.end(), more.begin(), more.end());
  Data raw = first;
  raw.insert(raw.end(), second.begin(), second.end());
  EXPECT_EQ(to_data(c->decode(encoded, raw.size())), raw);
  EXPECT_THROW(c->decode(encoded, first.size()), CodecError);
}

TEST(ZstdFormat, FramesWithoutContentSizeDecode) {
  // A frame from a streaming compressor (`zstd -c` reading a pipe): the
  // frame header has no content size, so decoding takes the streaming path.
  // Made with: printf 'hello hello hello hello zstd\n' | zstd -c | xxd -p
  Data raw;
  for (char ch : std::string_view("hello hello hello hello zstd\n")) {
    raw.push_back(static_cast<std::uint8_t>(ch));
  }
  Data encoded = from_hex("28b52ffd04588d00005868656c6c6f207a7374640a0100f14a116c29973c");
  CodecPtr c = make_zstd_codec();
  Bytes decoded;
  try {
    decoded = c->decode(encoded, raw.size());
  } catch (const CodecError& e) {
    FAIL() << e.what();
  }
  EXPECT_EQ(to_data(decoded), raw);
  EXPECT_THROW(c->decode(encoded, raw.size() - 1), CodecError);
  EXPECT_THROW(c->decode(encoded, raw.size() + 1), CodecError);
  for (std::size_t len = 0; len < encoded.size(); ++len) {
    Data prefix(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_THROW(c->decode(prefix, raw.size()), CodecError) << len;
  }
}

TEST(Lz4Format, HeaderIsLittleEndianSize) {
  Data raw = text_bytes(70000);
  Data encoded = to_data(make_lz4_codec()->encode(raw, 1));
  std::uint32_t stored = static_cast<std::uint32_t>(encoded[0]) |
                         static_cast<std::uint32_t>(encoded[1]) << 8 |
                         static_cast<std::uint32_t>(encoded[2]) << 16 |
                         static_cast<std::uint32_t>(encoded[3]) << 24;
  EXPECT_EQ(stored, raw.size());
}

TEST(GzipFormat, HeaderHasZeroMtimeAndMembersConcatenate) {
  CodecPtr c = make_gzip_codec(6);
  Data first = text_bytes(2000);
  Data second = ramp_bytes(3000, 19);
  Data encoded = to_data(c->encode(first, 1));
  ASSERT_GE(encoded.size(), 18u);
  EXPECT_EQ(encoded[0], 0x1f);
  EXPECT_EQ(encoded[1], 0x8b);
  EXPECT_EQ(encoded[4] | encoded[5] | encoded[6] | encoded[7], 0);
  Data more = to_data(c->encode(second, 1));
  encoded.insert(encoded.end(), more.begin(), more.end());
  Data raw = first;
  raw.insert(raw.end(), second.begin(), second.end());
  EXPECT_EQ(to_data(c->decode(encoded, raw.size())), raw);
  // Zero padding after the last member is accepted, like Python's gzip.
  Data padded = encoded;
  padded.insert(padded.end(), 8, 0);
  EXPECT_EQ(to_data(c->decode(padded, raw.size())), raw);
  Data trailing = encoded;
  trailing.push_back(0x42);
  EXPECT_THROW(c->decode(trailing, raw.size()), CodecError);
  // The CRC in the trailer is checked.
  Data bad = to_data(c->encode(first, 1));
  bad[bad.size() - 6] ^= 0x01;
  EXPECT_THROW(c->decode(bad, first.size()), CodecError);
}

TEST(ZlibFormat, StreamsAreNotGzip) {
  Data raw = text_bytes(1000);
  Data zlib = to_data(make_zlib_codec()->encode(raw, 1));
  Data gzip = to_data(make_gzip_codec()->encode(raw, 1));
  EXPECT_EQ(zlib[0] & 0x0f, 8);  // deflate method in the zlib header
  EXPECT_THROW(make_zlib_codec()->decode(gzip, raw.size()), CodecError);
  EXPECT_THROW(make_gzip_codec()->decode(zlib, raw.size()), CodecError);
  // Trailing bytes after a zlib stream are corruption.
  zlib.push_back(0);
  EXPECT_THROW(make_zlib_codec()->decode(zlib, raw.size()), CodecError);
  // The Adler-32 checksum is checked.
  Data bad = to_data(make_zlib_codec()->encode(raw, 1));
  bad.back() ^= 0x01;
  EXPECT_THROW(make_zlib_codec()->decode(bad, raw.size()), CodecError);
}

TEST(Bz2Format, StreamsConcatenate) {
  CodecPtr c = make_bz2_codec(9);
  Data first = text_bytes(2000);
  Data second = ramp_bytes(3000, 20);
  Data encoded = to_data(c->encode(first, 1));
  EXPECT_EQ(encoded[0], 'B');
  EXPECT_EQ(encoded[3], '9');  // block size 900k
  Data more = to_data(c->encode(second, 1));
  encoded.insert(encoded.end(), more.begin(), more.end());
  Data raw = first;
  raw.insert(raw.end(), second.begin(), second.end());
  EXPECT_EQ(to_data(c->decode(encoded, raw.size())), raw);
}

TEST(LzmaFormat, ContainersAndChecks) {
  Data raw = text_bytes(5000);
  Data xz = to_data(make_lzma_codec(kLzmaFormatXz)->encode(raw, 1));
  const Data xz_magic = {0xfd, '7', 'z', 'X', 'Z', 0x00};
  EXPECT_TRUE(std::equal(xz_magic.begin(), xz_magic.end(), xz.begin()));
  // Stream flags: byte 7 is the check type, CRC64 (4) by default.
  EXPECT_EQ(xz[7], 4);
  EXPECT_EQ(to_data(make_lzma_codec(kLzmaFormatXz, 10)->encode(raw, 1))[7], 10);
  EXPECT_EQ(to_data(make_lzma_codec(kLzmaFormatXz, 0)->encode(raw, 1))[7], 0);
  // Format 0 writes xz, which numcodecs' FORMAT_AUTO decoder reads.
  EXPECT_EQ(to_data(make_lzma_codec(kLzmaFormatAuto)->encode(raw, 1)), xz);
  // The alone header: properties byte (lc=3, lp=0, pb=2 -> 0x5d), then the
  // dictionary size, then an unknown (all ones) uncompressed size.
  Data alone = to_data(make_lzma_codec(kLzmaFormatAlone)->encode(raw, 1));
  EXPECT_EQ(alone[0], 0x5d);
  EXPECT_TRUE(std::all_of(alone.begin() + 5, alone.begin() + 13, [](auto b) { return b == 0xff; }));
  // Corruption of the xz payload is caught by the check.
  Data bad = xz;
  bad[bad.size() / 2] ^= 0x04;
  EXPECT_THROW(make_lzma_codec()->decode(bad, raw.size()), CodecError);
  // Presets give different encodings; extreme is accepted.
  Data big = ramp_bytes(200000, 21);
  EXPECT_NE(to_data(make_lzma_codec(kLzmaFormatXz, -1, 0)->encode(big, 4)),
            to_data(make_lzma_codec(kLzmaFormatXz, -1, 9)->encode(big, 4)));
  EXPECT_EQ(to_data(make_lzma_codec(kLzmaFormatXz, -1, 1 | kLzmaPresetExtreme)
                        ->decode(to_data(make_lzma_codec(kLzmaFormatXz, -1, 1 | kLzmaPresetExtreme)
                                             ->encode(big, 4)),
                                 big.size())),
            big);
}

// ---- codec_from_json errors -------------------------------------------------

void expect_json_error(const std::string& json, const std::string& fragment) {
  try {
    codec_from_json(json);
    ADD_FAILURE() << "no error for " << json;
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message '" << e.what() << "' lacks '" << fragment << "'";
  }
}

TEST(CodecFromJson, RejectsBadConfigs) {
  expect_json_error(R"({"id":"xyz"})", "unknown compressor 'xyz'");
  expect_json_error(R"({"id":"blosc2"})", "unknown compressor 'blosc2'");
  expect_json_error(R"({"level":1})", "'id'");
  expect_json_error(R"({"id":5})", "'id'");
  expect_json_error(R"([1,2])", "not a JSON object");
  expect_json_error(R"(null)", "not a JSON object");
  expect_json_error(R"({"id":"zstd",)", "not valid JSON");
  expect_json_error("", "not valid JSON");
  // Parameters: wrong types, nulls, ranges, unknown keys.
  expect_json_error(R"({"id":"zstd","level":"3"})", "level");
  expect_json_error(R"({"id":"zstd","level":null})", "level");
  expect_json_error(R"({"id":"zstd","level":1.5})", "level");
  expect_json_error(R"({"id":"zstd","level":99})", "level");
  expect_json_error(R"({"id":"zstd","level":1e30})", "level");
  expect_json_error(R"({"id":"zstd","level":18446744073709551615})", "level");
  expect_json_error(R"({"id":"zstd","level":3,"checksum":1})", "checksum");
  expect_json_error(R"({"id":"zstd","lvl":3})", "unknown parameter 'lvl'");
  expect_json_error(R"({"id":"lz4","acceleration":true})", "acceleration");
  expect_json_error(R"({"id":"zlib","level":10})", "level");
  expect_json_error(R"({"id":"zlib","level":-2})", "level");
  expect_json_error(R"({"id":"gzip","level":12})", "level");
  expect_json_error(R"({"id":"bz2","level":0})", "level");
  expect_json_error(R"({"id":"bz2","level":10})", "level");
  expect_json_error(R"({"id":"blosc","cname":"snappy"})", "cname 'snappy'");
  expect_json_error(R"({"id":"blosc","cname":3})", "cname");
  expect_json_error(R"({"id":"blosc","clevel":10})", "clevel");
  expect_json_error(R"({"id":"blosc","clevel":-1})", "clevel");
  expect_json_error(R"({"id":"blosc","shuffle":3})", "shuffle");
  expect_json_error(R"({"id":"blosc","shuffle":-2})", "shuffle");
  expect_json_error(R"({"id":"blosc","blocksize":-1})", "blocksize");
  expect_json_error(R"({"id":"blosc","typesize":4})", "unknown parameter 'typesize'");
  expect_json_error(R"({"id":"lzma","filters":[{"id":33,"preset":6}]})",
                    R"(filters=[{"id":33,"preset":6}])");
  expect_json_error(R"({"id":"lzma","format":3})", "format 3");
  expect_json_error(R"({"id":"lzma","format":4})", "format 4");
  expect_json_error(R"({"id":"lzma","check":2})", "check 2");
  expect_json_error(R"({"id":"lzma","format":2,"check":4})", "check 4");
  expect_json_error(R"({"id":"lzma","preset":10})", "preset 10");
  expect_json_error(R"({"id":"lzma","preset":-1})", "preset -1");
  expect_json_error(R"({"id":"lzma","preset":"6"})", "preset");
}

TEST(CodecFromJson, AcceptsNumcodecsForms) {
  // Key order and whitespace do not matter; null filters and preset are fine.
  EXPECT_EQ(codec_from_json(R"( { "shuffle": 2, "id": "blosc", "cname": "zstd" } )")->config_json(),
            R"({"blocksize":0,"clevel":5,"cname":"zstd","id":"blosc","shuffle":2})");
  EXPECT_EQ(codec_from_json(R"({"id":"zstd","level":5,"checksum":false})")->config_json(),
            R"({"id":"zstd","level":5})");
  EXPECT_EQ(
      codec_from_json(R"({"id":"lzma","format":1,"check":-1,"preset":null,"filters":null})")
          ->config_json(),
      R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":null})");
}

// ---- codec_from_spec ----------------------------------------------------------

TEST(CodecFromSpec, ParsesAllForms) {
  EXPECT_EQ(codec_from_spec("none"), nullptr);
  auto config = [](std::string_view spec) { return codec_from_spec(spec)->config_json(); };
  EXPECT_EQ(config("zstd"), R"({"id":"zstd","level":1})");
  EXPECT_EQ(config("zstd:7"), R"({"id":"zstd","level":7})");
  EXPECT_EQ(config("zstd:-3"), R"({"id":"zstd","level":-3})");
  EXPECT_EQ(config("lz4"), R"({"acceleration":1,"id":"lz4"})");
  EXPECT_EQ(config("lz4:8"), R"({"acceleration":8,"id":"lz4"})");
  EXPECT_EQ(config("zlib"), R"({"id":"zlib","level":1})");
  EXPECT_EQ(config("zlib:9"), R"({"id":"zlib","level":9})");
  EXPECT_EQ(config("gzip"), R"({"id":"gzip","level":1})");
  EXPECT_EQ(config("gzip:4"), R"({"id":"gzip","level":4})");
  EXPECT_EQ(config("bz2"), R"({"id":"bz2","level":1})");
  EXPECT_EQ(config("bz2:9"), R"({"id":"bz2","level":9})");
  EXPECT_EQ(config("lzma"), R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":null})");
  EXPECT_EQ(config("lzma:3"), R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":3})");
  EXPECT_EQ(config("lzma:9e"),
            R"({"check":-1,"filters":null,"format":1,"id":"lzma","preset":2147483657})");
  EXPECT_EQ(config("blosc"), default_codec()->config_json());
  EXPECT_EQ(config("blosc:zstd"),
            R"({"blocksize":0,"clevel":5,"cname":"zstd","id":"blosc","shuffle":1})");
  EXPECT_EQ(config("blosc:zlib:9"),
            R"({"blocksize":0,"clevel":9,"cname":"zlib","id":"blosc","shuffle":1})");
  const std::pair<const char*, int> shuffles[] = {
      {"noshuffle", 0}, {"shuffle", 1}, {"bitshuffle", 2}, {"0", 0},    {"1", 1},
      {"2", 2},         {"-1", -1},     {"auto", -1},      {"autoshuffle", -1}};
  for (const auto& [name, code] : shuffles) {
    nlohmann::json j = nlohmann::json::parse(config(std::string("blosc:lz4hc:3:") + name));
    EXPECT_EQ(j["shuffle"], code) << name;
    EXPECT_EQ(j["cname"], "lz4hc");
    EXPECT_EQ(j["clevel"], 3);
  }
  for (const char* cname : {"blosclz", "lz4", "lz4hc", "zlib", "zstd"}) {
    EXPECT_EQ(nlohmann::json::parse(config(std::string("blosc:") + cname))["cname"], cname);
  }
}

void expect_spec_error(std::string_view spec, const std::string& fragment) {
  try {
    codec_from_spec(spec);
    ADD_FAILURE() << "no error for '" << spec << "'";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message '" << e.what() << "' lacks '" << fragment << "'";
  }
}

TEST(CodecFromSpec, RejectsBadSpecs) {
  expect_spec_error("", "empty");
  expect_spec_error("xz", "unknown compressor 'xz'");
  expect_spec_error("ZSTD", "unknown compressor 'ZSTD'");
  expect_spec_error(":3", "no compressor name");
  expect_spec_error("none:1", "'none' takes no parameters");
  expect_spec_error("zstd:", "parameter 1 is empty");
  expect_spec_error("zstd:abc", "level 'abc' is not an integer");
  expect_spec_error("zstd:3x", "level '3x' is not an integer");
  expect_spec_error("zstd:1.5", "level '1.5' is not an integer");
  expect_spec_error("zstd:99", "level 99");
  expect_spec_error("zstd:99999999999", "level '99999999999'");
  expect_spec_error("zstd:1:2", "too many parts");
  expect_spec_error("lz4:0", "acceleration 0");
  expect_spec_error("lz4:fast", "acceleration 'fast'");
  expect_spec_error("zlib:10", "level 10");
  expect_spec_error("gzip:-5", "level -5");
  expect_spec_error("bz2:0", "level 0");
  expect_spec_error("lzma:10", "preset 10");
  expect_spec_error("lzma:e", "preset ''");
  expect_spec_error("lzma:x", "preset 'x'");
  expect_spec_error("blosc:snappy", "cname 'snappy'");
  expect_spec_error("blosc:lz4:ten", "clevel 'ten'");
  expect_spec_error("blosc:lz4:10", "clevel 10");
  expect_spec_error("blosc:lz4:5:sideways", "shuffle 'sideways'");
  expect_spec_error("blosc:lz4:5:7", "shuffle 7");
  expect_spec_error("blosc:lz4:5:1:0", "too many parts");
  expect_spec_error("blosc::5", "parameter 1 is empty");
  // The message quotes the whole spec.
  expect_spec_error("zstd:abc", "'zstd:abc'");
}

}  // namespace
}  // namespace cubed::storage
