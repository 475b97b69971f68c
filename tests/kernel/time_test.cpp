// Virtual time types and their spellings; the run digest.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

TEST_CASE("format_time prints seconds with nine decimals") {
  CHECK(format_time(Time::from_ns(1500000000)) == "1.500000000s");
  CHECK(format_time(Time::zero()) == "0.000000000s");
  CHECK(format_time(Time()) == "0.000000000s");
  CHECK(format_time(Time::from_ns(1)) == "0.000000001s");
  CHECK(format_time(Time::from_ns(999999999)) == "0.999999999s");
  CHECK(format_time(Time::from_ns(1000000000)) == "1.000000000s");
  CHECK(format_time(Time::from_ns(12000150000)) == "12.000150000s");
  CHECK(format_time(Time::from_ns(INT64_MAX)) == "9223372036.854775807s");
}

TEST_CASE("format_time handles negative instants, including the most negative one") {
  CHECK(format_time(Time::from_ns(-1)) == "-0.000000001s");
  CHECK(format_time(Time::from_ns(-1500000000)) == "-1.500000000s");
  CHECK(format_time(Time::from_ns(INT64_MIN)) == "-9223372036.854775808s");
}

TEST_CASE("format_duration uses the largest exact unit among h, m, s, ms, us, ns") {
  CHECK(format_duration(Duration()) == "0");
  CHECK(format_duration(Duration::seconds(0)) == "0");
  CHECK(format_duration(Duration::seconds(30)) == "30s");
  CHECK(format_duration(Duration::milliseconds(150)) == "150ms");
  CHECK(format_duration(Duration::microseconds(1500)) == "1500us");
  CHECK(format_duration(Duration::microseconds(2500)) == "2500us");
  CHECK(format_duration(Duration::nanoseconds(1)) == "1ns");
  CHECK(format_duration(Duration::nanoseconds(1001)) == "1001ns");
  CHECK(format_duration(Duration::milliseconds(1000)) == "1s");
  CHECK(format_duration(Duration::milliseconds(1001)) == "1001ms");
  CHECK(format_duration(Duration::microseconds(3000)) == "3ms");
  CHECK(format_duration(Duration::seconds(60)) == "1m");
  CHECK(format_duration(Duration::seconds(90)) == "90s");
  CHECK(format_duration(Duration::seconds(120)) == "2m");
  CHECK(format_duration(Duration::seconds(3600)) == "1h");
  CHECK(format_duration(Duration::seconds(5400)) == "90m");
  CHECK(format_duration(Duration::seconds(7200)) == "2h");
  CHECK(format_duration(Duration::seconds(-30)) == "-30s");
}

TEST_CASE("Duration factories scale to nanoseconds") {
  CHECK(Duration().ns() == 0);
  CHECK(Duration::nanoseconds(7).ns() == 7);
  CHECK(Duration::microseconds(7).ns() == 7000);
  CHECK(Duration::milliseconds(7).ns() == 7000000);
  CHECK(Duration::seconds(7).ns() == 7000000000);
}

TEST_CASE("Duration arithmetic and comparisons") {
  const Duration a = Duration::seconds(1);
  const Duration b = Duration::milliseconds(500);
  CHECK(a + b == Duration::milliseconds(1500));
  CHECK(a - b == Duration::milliseconds(500));
  CHECK(b - a == Duration::milliseconds(-500));
  CHECK((b - a).ns() < 0);
  CHECK(b * 3 == Duration::milliseconds(1500));
  CHECK(b * 0 == Duration());

  CHECK(b < a);
  CHECK(a > b);
  CHECK(b <= b);
  CHECK(a >= b);
  CHECK(a != b);
  CHECK(Duration::milliseconds(1) == Duration::microseconds(1000));
  CHECK_FALSE(Duration::nanoseconds(1) < Duration());
}

TEST_CASE("Time plus Duration and the difference of two Times") {
  const Time t = Time::from_ns(1000);
  CHECK(t + Duration::nanoseconds(500) == Time::from_ns(1500));
  CHECK((t + Duration::microseconds(2)).ns() == 3000);
  CHECK(Time::from_ns(1500) - t == Duration::nanoseconds(500));
  CHECK(t - Time::from_ns(1500) == Duration::nanoseconds(-500));
  CHECK(Time::zero() < t);
  CHECK(t > Time::zero());
  CHECK(t == Time::from_ns(1000));
  CHECK(Time() == Time::zero());
}

TEST_CASE("time sums saturate at the ends of virtual time instead of wrapping") {
  // A scenario may use durations up to Duration::max(); "that long after that" is the last
  // instant, never an instant in the past (which the scheduler refuses).
  const Time late = Time::from_ns(INT64_MAX - 10);
  CHECK(late + Duration::nanoseconds(10) == Time::max());
  CHECK(late + Duration::nanoseconds(11) == Time::max());
  CHECK(late + Duration::max() == Time::max());
  CHECK(Time::max() + Duration::nanoseconds(1) == Time::max());
  CHECK(Time::zero() + Duration::max() == Time::max());
  CHECK(Duration::max() + Duration::nanoseconds(1) == Duration::max());
  CHECK(Duration::max() * 2 == Duration::max());
  CHECK(Duration::seconds(INT64_MAX / 1000) == Duration::max());
  CHECK(Duration::nanoseconds(-5) * INT64_MAX == Duration::nanoseconds(INT64_MIN));
  CHECK(Duration::nanoseconds(INT64_MIN) - Duration::nanoseconds(1) ==
        Duration::nanoseconds(INT64_MIN));
  CHECK(Time::max() - Time::from_ns(-1) == Duration::max());
  CHECK(Time::from_ns(INT64_MIN) + Duration::nanoseconds(-1) == Time::from_ns(INT64_MIN));
  // Below the ends nothing changes.
  CHECK(late + Duration::nanoseconds(3) == Time::from_ns(INT64_MAX - 7));
  CHECK(Duration::seconds(2) * 3 == Duration::seconds(6));
  static_assert(Time::max() + Duration::seconds(1) == Time::max());
}

TEST_CASE("Time and Duration are usable in constant expressions") {
  constexpr Time t = Time::zero() + Duration::seconds(2);
  static_assert(t.ns() == 2000000000);
  static_assert(Duration::milliseconds(1) < Duration::seconds(1));
  CHECK(t.ns() == 2000000000);
}

namespace {

// Independent reference: FNV-1a 64 over each field's little-endian 8-byte length followed by
// its bytes.
std::uint64_t reference_digest(std::initializer_list<std::string_view> fields) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (std::string_view f : fields) {
    const std::uint64_t n = f.size();
    for (int i = 0; i < 8; ++i)
      mix(static_cast<unsigned char>((n >> (8 * i)) & 0xff));
    for (char c : f)
      mix(static_cast<unsigned char>(c));
  }
  return h;
}

std::uint64_t digest_of(std::initializer_list<std::string_view> fields) {
  Digest d;
  for (std::string_view f : fields)
    d.add(f);
  return d.value();
}

}  // namespace

TEST_CASE("Digest of the same field sequence is the same value") {
  CHECK(digest_of({"peer", "REGISTER", "tx1"}) == digest_of({"peer", "REGISTER", "tx1"}));

  Digest a;
  Digest b;
  for (Digest* d : {&a, &b}) {
    d->add(std::string_view("x"));
    d->add(std::uint64_t{42});
  }
  CHECK(a.value() == b.value());
}

TEST_CASE("Digest distinguishes different splits of the same bytes") {
  CHECK(digest_of({"ab", "c"}) != digest_of({"a", "bc"}));
  CHECK(digest_of({"abc"}) != digest_of({"ab", "c"}));
  CHECK(digest_of({"", "abc"}) != digest_of({"abc"}));
  CHECK(digest_of({"a", "b"}) != digest_of({"b", "a"}));
  CHECK(digest_of({}) != digest_of({""}));
}

TEST_CASE("Digest matches FNV-1a over length-prefixed fields") {
  CHECK(Digest().value() == 0xcbf29ce484222325ULL);  // the FNV-1a 64 offset basis
  CHECK(digest_of({"ab", "c"}) == reference_digest({"ab", "c"}));
  CHECK(digest_of({"chaincode", "", "tx-17"}) == reference_digest({"chaincode", "", "tx-17"}));

  // A number is its 8 little-endian bytes.
  Digest number;
  number.add(std::uint64_t{0x0102030405060708ULL});
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  CHECK(number.value() == h);
}

TEST_CASE("format_digest gives 16 lowercase hex digits") {
  CHECK(format_digest(0) == "0000000000000000");
  CHECK(format_digest(0xabcULL) == "0000000000000abc");
  CHECK(format_digest(0xcbf29ce484222325ULL) == "cbf29ce484222325");
  CHECK(format_digest(UINT64_MAX) == "ffffffffffffffff");
  CHECK(format_digest(0xDEADBEEFCAFEF00DULL) == "deadbeefcafef00d");

  const std::string s = format_digest(digest_of({"anything"}));
  CHECK(s.size() == 16);
  CHECK(s.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("Trace digest is reproducible, depends on the fields, and ignores keep_events") {
  auto event = [](std::int64_t t, std::string detail) {
    TraceEvent e;
    e.t = Time::from_ns(t);
    e.kind = TraceKind::kNote;
    e.actor = "peer";
    e.detail = std::move(detail);
    return e;
  };
  Trace kept;
  Trace counted_only(/*keep_events=*/false);
  Trace different;
  for (Trace* tr : {&kept, &counted_only}) {
    tr->record(event(1, "launch"));
    tr->record(event(2, "ready"));
  }
  different.record(event(1, "launch"));
  different.record(event(2, "readY"));

  CHECK(kept.count() == 2);
  CHECK(kept.events().size() == 2);
  CHECK(counted_only.count() == 2);
  CHECK(counted_only.events().empty());
  CHECK(kept.digest() == counted_only.digest());
  CHECK(kept.digest() != different.digest());
  CHECK(kept.digest() != Trace().digest());
  CHECK(std::string(to_string(TraceKind::kStreamEnd)) == "stream_end");
}

namespace {
// A keyed detail's subject: the text it formats to and the key it hashes to.
struct Subject {
  std::string text;
  std::uint64_t key;
};
int formatted = 0;  // how many times format_counted ran (tests run on one thread)
int keyed = 0;      // how many times key_counted ran
void format_counted(const void* subject, std::string& out) {
  ++formatted;
  out = static_cast<const Subject*>(subject)->text;
}
std::uint64_t key_counted(const void* subject) {
  ++keyed;
  return static_cast<const Subject*>(subject)->key;
}
TraceEventView keyed_event(const Subject& subject) {
  TraceEventView e;
  e.t = Time::from_ns(5);
  e.kind = TraceKind::kSend;
  e.actor = "shim";
  e.type = "PUT_STATE";
  e.detail = TraceDetail(key_counted, format_counted, &subject);
  return e;
}
}  // namespace

TEST_CASE("Trace digest reads a keyed detail's key: the summary is formatted only when kept") {
  const Subject a{"key=\"a\"", 42};
  const Subject a_other_text{"key=\"b\"", 42};
  const Subject a_other_key{"key=\"a\"", 43};
  formatted = 0;
  keyed = 0;
  Trace counted_only(/*keep_events=*/false);
  counted_only.record(keyed_event(a));
  CHECK(formatted == 0);  // nothing read the text
  CHECK(keyed == 1);
  Trace same_key(/*keep_events=*/false);
  same_key.record(keyed_event(a_other_text));
  CHECK(same_key.digest() == counted_only.digest());  // the key stands for the text
  Trace other_key(/*keep_events=*/false);
  other_key.record(keyed_event(a_other_key));
  CHECK(other_key.digest() != counted_only.digest());

  Trace kept;
  kept.record(keyed_event(a));
  CHECK(formatted == 1);
  REQUIRE(kept.events().size() == 1);
  CHECK(kept.events()[0].detail == a.text);
  CHECK(kept.digest() == counted_only.digest());

  // A fuzzing run's fingerprint asks for neither unless details are wanted.
  formatted = 0;
  keyed = 0;
  Trace fingerprint(TraceMode::kFingerprint);
  fingerprint.record(keyed_event(a));
  CHECK(formatted == 0);
  CHECK(keyed == 0);
  fingerprint.set_details(true);
  fingerprint.record(keyed_event(a));
  CHECK(formatted == 1);
  CHECK(keyed == 0);
}

TEST_CASE("word_hash: a text is its length, then little-endian words, the last zero-padded") {
  // Recomputed here from the definition (docs/architecture.md, "The digest"), byte by byte.
  const auto round = [](std::uint64_t h, std::uint64_t w) {
    const std::uint64_t x = h ^ (w * 0xc2b2ae3d27d4eb4fULL);
    return ((x << 31) | (x >> 33)) * 0x9e3779b97f4a7c15ULL;
  };
  const std::string text = "0123456789";  // one whole word and two bytes
  std::uint64_t first = 0;
  for (int i = 7; i >= 0; --i)
    first = (first << 8) | static_cast<unsigned char>(text[static_cast<std::size_t>(i)]);
  const std::uint64_t last =
      static_cast<std::uint64_t>('8') | (static_cast<std::uint64_t>('9') << 8);
  const std::uint64_t expected = round(round(round(7, text.size()), first), last);
  CHECK(word_hash::fold(7, text) == expected);
  CHECK(word_hash::fold(7, std::string_view()) == round(7, 0));
  CHECK(word_hash::fold(7, "ab") != word_hash::fold(7, std::string_view("ab\0", 3)));
}
