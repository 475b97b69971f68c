#include "ccsim/report/trace_spool.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ccsim::report {

namespace {

// A record: t (8 bytes), kind (1), the eight strings (each a 4-byte length and its bytes),
// flags (1: status, error, payload present), then those present, then the fields' JSON text. Native
// byte order: the file never leaves this process.
enum Flag : std::uint8_t { kStatus = 1, kError = 2, kPayload = 4 };

template <typename T>
void put(std::string& out, T v) {
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.append(bytes, sizeof v);
}

void put_string(std::string& out, std::string_view s) {
  put(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

std::string system_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

TraceSpool::TraceSpool(const std::string& dir) {
  std::vector<char> name(dir.begin(), dir.end());
  const std::string pattern = "/ccsim-trace.XXXXXX";
  name.insert(name.end(), pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw SpoolError(system_error("cannot make a temporary file for the trace in " + dir));
  }
  path_ = name.data();
  ::unlink(name.data());
  file_ = ::fdopen(fd, "w+b");
  if (file_ == nullptr) {
    ::close(fd);
    throw SpoolError(system_error("cannot open the trace's temporary file " + path_));
  }
}

TraceSpool::~TraceSpool() {
  if (file_ != nullptr) std::fclose(file_);
}

void TraceSpool::on_event(const kernel::TraceEventView& e) {
  if (!error_) {
    record_.clear();
    put(record_, e.t.ns());
    put(record_, static_cast<std::uint8_t>(e.kind));
    for (std::string_view s :
         {e.actor, e.state, e.stream, e.from, e.type, e.txid, e.channel, e.detail.text()}) {
      put_string(record_, s);
    }
    const std::uint8_t flags =
        (e.status ? kStatus : 0) | (e.error ? kError : 0) | (e.payload ? kPayload : 0);
    put(record_, flags);
    if (e.status) put(record_, *e.status);
    if (e.error) put_string(record_, *e.error);
    if (e.payload) put_string(record_, *e.payload);
    put_string(record_, keep_fields_ ? e.fields.text() : std::string_view());
    if (std::fwrite(record_.data(), 1, record_.size(), file_) != record_.size()) {
      error_ = system_error("cannot write the trace's temporary file " + path_);
    } else {
      ++count_;
      bytes_ += record_.size();
    }
  }
  if (next_ != nullptr) next_->on_event(e);
}

void TraceSpool::for_each(const std::function<void(const kernel::TraceEventView&)>& visit) const {
  if (error_) throw SpoolError(*error_);
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
    throw SpoolError(system_error("cannot read the trace's temporary file " + path_));
  }
  const auto fail = [this] {
    throw SpoolError("the trace's temporary file " + path_ + " ends early");
  };
  const auto get = [&](void* to, std::size_t n) {
    if (n != 0 && std::fread(to, 1, n, file_) != n) fail();
  };
  const auto get_string = [&](std::string& s) {
    std::uint32_t n = 0;
    get(&n, sizeof n);
    s.resize(n);
    get(s.data(), n);
  };
  kernel::TraceEvent e;
  for (std::uint64_t i = 0; i < count_; ++i) {
    std::int64_t t = 0;
    get(&t, sizeof t);
    e.t = kernel::Time::from_ns(t);
    std::uint8_t kind = 0;
    get(&kind, sizeof kind);
    e.kind = static_cast<kernel::TraceKind>(kind);
    for (std::string* s :
         {&e.actor, &e.state, &e.stream, &e.from, &e.type, &e.txid, &e.channel, &e.detail}) {
      get_string(*s);
    }
    std::uint8_t flags = 0;
    get(&flags, sizeof flags);
    e.status.reset();
    e.error.reset();
    e.payload.reset();
    if ((flags & kStatus) != 0) {
      std::int64_t status = 0;
      get(&status, sizeof status);
      e.status = status;
    }
    if ((flags & kError) != 0) get_string(e.error.emplace());
    if ((flags & kPayload) != 0) get_string(e.payload.emplace());
    get_string(e.fields);
    visit(e.view());
  }
  // Later writes append: the file position goes back to the end.
  if (std::fseek(file_, 0, SEEK_END) != 0) {
    throw SpoolError(system_error("cannot read the trace's temporary file " + path_));
  }
}

}  // namespace ccsim::report
