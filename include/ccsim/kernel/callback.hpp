// The work of a scheduled event: a move-only callable with room for a typical lambda's
// captures inline (a `this`, a string, a shared_ptr, a std::function), so scheduling an event
// allocates only when the captures are larger (e.g. a whole message).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace ccsim::kernel {

class Callback {
 public:
  static constexpr std::size_t kInline = 48;

  Callback() = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert, as to std::function
    using Fn = std::decay_t<F>;
    if constexpr (sizeof(Fn) <= kInline && alignof(Fn) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<Fn>) {
      ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
      ops_ = &kInlineOps<Fn>;
    } else {
      ::new (static_cast<void*>(buf_)) Fn*(new Fn(std::forward<F>(f)));
      ops_ = &kHeapOps<Fn>;
    }
  }

  Callback(Callback&& other) noexcept : ops_(other.ops_) {
    relocate_from(other);
    other.ops_ = nullptr;
  }

  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      relocate_from(other);
      other.ops_ = nullptr;
    }
    return *this;
  }

  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  void operator()() { ops_->call(buf_); }
  explicit operator bool() const { return ops_ != nullptr; }

  void reset() {
    if (ops_ != nullptr && !ops_->trivial) ops_->destroy(buf_);
    ops_ = nullptr;
  }

 private:
  struct Ops {
    void (*call)(void* self);
    void (*relocate)(void* from, void* to);  // move-construct at `to`, destroy `from`
    void (*destroy)(void* self);
    /// Trivially destructible (captures of pointers and numbers): reset skips the indirect
    /// call to a destructor that does nothing.
    bool trivial;
  };

  void relocate_from(Callback& other) {
    if (ops_ != nullptr) ops_->relocate(other.buf_, buf_);
  }

  template <class Fn>
  static constexpr Ops kInlineOps = {[](void* self) { (*static_cast<Fn*>(self))(); },
                                     [](void* from, void* to) {
                                       ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
                                       static_cast<Fn*>(from)->~Fn();
                                     },
                                     [](void* self) { static_cast<Fn*>(self)->~Fn(); },
                                     std::is_trivially_destructible_v<Fn>};

  template <class Fn>
  static constexpr Ops kHeapOps = {
      [](void* self) { (**static_cast<Fn**>(self))(); },
      [](void* from, void* to) { ::new (to) Fn*(*static_cast<Fn**>(from)); },
      [](void* self) { delete *static_cast<Fn**>(self); }, false};

  alignas(std::max_align_t) unsigned char buf_[kInline];
  const Ops* ops_ = nullptr;
};

}  // namespace ccsim::kernel
