// A simulated bidirectional stream (a gRPC bidi stream) between two ends, A and B.
//
// Guarantees, per direction: reliable and FIFO. Each message gets a latency from the
// stream's latency function and is delivered no earlier than the message before it, so
// order is kept even when a later message draws a shorter latency. (An explicitly unsafe
// mode drops the FIFO clamp; the caller must say so in its trace.) Nothing orders the two
// directions against each other.
//
// Life (see also blackhole and break_end, a connection lost without either end being told):
// close_send(end) is a half-close: the other end receives EOF after everything that
// end sent before it, and no sooner than the direction's close latency (gRPC's END_STREAM
// crosses the network like a message). abort(reason) breaks the stream at once: undelivered
// messages are lost and both ends receive the error. Sending on a closed direction fails with
// a text.
//
// An end that finishes its RPC with an error status (a gRPC server handler returning an
// error) sets a close error: the other end then receives that error, in order, where it would
// have received EOF.
//
// Labels: each arrival is an event labelled "<direction> <message>" ("peer->mycc TRANSACTION
// tx1", "peer->mycc EOF"), an abort's error "<direction> broken", so that a tie decision
// between arrivals names them (Simulation). set_labels names the directions and messages.
//
// Instrumentation (fault injection): an observer sees every message the stream accepts, and
// fail_next_send makes one end's next send fail without delivering the message. A close
// observer hears every close_send call: how an end says it is done with the stream.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ccsim/kernel/simulation.hpp"

namespace ccsim::kernel {

enum class End : std::uint8_t { kA = 0, kB = 1 };
constexpr End other(End e) {
  return e == End::kA ? End::kB : End::kA;
}

/// How an end learns that its inbound direction is over.
struct StreamClosed {
  bool eof = false;   // orderly: the other end half-closed (or finished)
  std::string error;  // otherwise: why the stream broke
};

template <class Message>
class Stream {
 public:
  /// What an end does with its input. Calls arrive as scheduled events, never re-entrantly
  /// from send().
  class Receiver {
   public:
    virtual ~Receiver() = default;
    virtual void on_message(Message msg) = 0;
    virtual void on_closed(const StreamClosed& closed) = 0;
  };

  using LatencyFn = std::function<Duration(End from, const Message& msg)>;
  /// The latency of a half-close (END_STREAM, or the error status that replaces it).
  using CloseLatencyFn = std::function<Duration(End from)>;
  /// Sees each successful send, after the stream accepted the message and before it is
  /// queued. It may abort the stream (the message is then lost like any in flight) but must
  /// not send on it; schedule such work instead.
  using Observer = std::function<void(End from, const Message& msg)>;
  /// Called synchronously whenever an end calls close_send, even when the call changes
  /// nothing (already half-closed, aborted). It may abort the stream but must not send on it.
  using CloseObserver = std::function<void(End from)>;
  /// How a message reads in an event label ("TRANSACTION tx1").
  using Describe = std::function<std::string(const Message& msg)>;

  Stream(Simulation& sim, LatencyFn latency, bool fifo = true)
      : sim_(&sim), latency_(std::move(latency)), fifo_(fifo) {}
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// What `end` receives goes to `receiver`, run in the domain current now (the receiving
  /// process's: a delivery to a process that died does nothing).
  void attach(End end, Receiver* receiver) {
    end_state(end).receiver = receiver;
    end_state(end).domain = sim_->domain();
  }

  /// Names what this stream schedules: `from_a` and `from_b` the two directions ("peer->mycc"
  /// for what A sends), `describe` a message. Until called: "A->B", "B->A" and "message".
  void set_labels(std::string from_a, std::string from_b, Describe describe) {
    end_state(End::kA).direction = std::move(from_a);
    end_state(End::kB).direction = std::move(from_b);
    describe_ = std::move(describe);
  }

  /// Replaces the observer (an empty function removes it).
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  /// Sees each message as it is delivered to `to`'s receiver, just before (an empty function
  /// removes it). It must not send on the stream.
  void set_delivery_observer(std::function<void(End to)> observer) {
    delivery_observer_ = std::move(observer);
  }
  /// Called once, synchronously, when the stream is aborted.
  void set_abort_observer(std::function<void()> observer) { abort_observer_ = std::move(observer); }
  /// Replaces the close observer (an empty function removes it).
  void set_close_observer(CloseObserver observer) { close_observer_ = std::move(observer); }
  /// How long a half-close takes to reach the other end (unset: no time of its own).
  void set_close_latency(CloseLatencyFn latency) { close_latency_ = std::move(latency); }

  /// `from` finishes with an error status: the other end's close, after everything `from`
  /// sent, carries `error` instead of EOF. Applies to a half-close of `from` not yet
  /// delivered, or to a later one.
  void set_close_error(End from, std::string error) {
    end_state(from).close_error = std::move(error);
  }

  /// One-shot: the next send from `from` that would have succeeded returns `error` instead,
  /// and its message is not delivered. Later sends are unaffected.
  void fail_next_send(End from, std::string error) { end_state(from).fail_next = std::move(error); }

  /// Hands a message to the stream. Returns an error text if `from` can no longer send.
  std::optional<std::string> send(End from, Message msg) {
    EndState& sender = end_state(from);
    if (aborted_) return sender.abort_reason;
    if (sender.broken) return *sender.broken;
    if (sender.send_closed) return std::string("EOF");
    if (sender.fail_next) {
      std::string error = std::move(*sender.fail_next);
      sender.fail_next.reset();
      return error;
    }
    if (blackholed_ || end_state(other(from)).broken) {
      // Accepted, as a socket's send buffer accepts it, and never delivered.
      if (observer_) observer_(from, msg);
      return std::nullopt;
    }
    const Time when = arrival(sender, latency_(from, msg));
    if (observer_) {
      observer_(from, msg);
      if (aborted_) return std::nullopt;  // accepted, then lost with the stream
    }
    std::string label = sim_->wants_labels() ? message_label(from, msg) : std::string();
    auto take_label = [&label] { return std::move(label); };
    if (!fifo_) {
      sim_->at_in(
          end_state(other(from)).domain, when,
          [this, from, m = std::move(msg)]() mutable {
            if (aborted_ || blackholed_ || end_state(other(from)).broken) return;
            if (delivery_observer_) delivery_observer_(other(from));
            if (Receiver* r = end_state(other(from)).receiver) r->on_message(std::move(m));
          },
          take_label);
      return std::nullopt;
    }
    sender.in_flight.emplace_back(false, std::move(msg));
    sim_->at_in(
        end_state(other(from)).domain, when, [this, from] { deliver_next(from); }, take_label);
    return std::nullopt;
  }

  /// Half-close from `from`: the other end gets EOF after the messages already sent, the
  /// close latency after now.
  void close_send(End from) {
    EndState& sender = end_state(from);
    if (close_observer_) close_observer_(from);
    if (aborted_ || sender.send_closed) return;
    sender.send_closed = true;
    if (blackholed_ || sender.broken || end_state(other(from)).broken) return;  // goes nowhere
    const Duration latency = close_latency_ ? close_latency_(from) : Duration();
    // EOF never overtakes what was sent before it, even in the unsafe non-FIFO mode.
    Time when = arrival(sender, latency);
    if (when < sender.last_arrival) when = sender.last_arrival;
    sender.in_flight.emplace_back(true, Message{});
    sim_->at_in(
        end_state(other(from)).domain, when, [this, from] { deliver_next(from); },
        [&] { return sender.direction + " EOF"; });
  }

  /// Breaks the stream: pending messages are lost; both ends get `reason` now.
  void abort(const std::string& reason) { abort(reason, reason); }
  /// The same, each end with its own error (what A's and B's Recv return).
  void abort(const std::string& reason_a, const std::string& reason_b) {
    if (aborted_) return;
    aborted_ = true;
    if (abort_observer_) abort_observer_();
    for (End e : {End::kA, End::kB}) {
      EndState& state = end_state(e);
      state.in_flight.clear();
      state.abort_reason = e == End::kA ? reason_a : reason_b;
      Receiver* r = state.receiver;
      if (r == nullptr || state.broken) continue;  // a broken end has had its error
      Simulation::DomainScope scope(*sim_, state.domain);
      sim_->spawn(
          [r, reason = state.abort_reason] {
            r->on_closed(StreamClosed{false, reason});
          },
          [&] { return end_state(other(e)).direction + " broken"; });
    }
  }

  /// The network silently drops everything from now on (a middlebox that forgets the
  /// connection without a reset): sends still succeed, nothing is delivered, and neither end
  /// learns of it until it gives up by itself (break_end).
  void blackhole() {
    blackholed_ = true;
    for (End e : {End::kA, End::kB})
      end_state(e).in_flight.clear();
  }
  bool blackholed() const { return blackholed_; }

  /// One end gives up on the connection by itself (a keepalive timeout): its receiver gets
  /// `reason` now and its sends fail with it; the other end learns nothing.
  void break_end(End end, const std::string& reason) {
    EndState& state = end_state(end);
    if (aborted_ || state.broken) return;
    state.broken = reason;
    end_state(other(end)).in_flight.clear();  // what was on its way to `end`
    if (Receiver* r = state.receiver) {
      sim_->spawn(
          [r, reason] {
            r->on_closed(StreamClosed{false, reason});
          },
          [&] { return end_state(other(end)).direction + " given up"; });
    }
  }
  bool broken(End end) const { return end_state(end).broken.has_value(); }

  bool can_send(End from) const {
    return !aborted_ && !end_state(from).send_closed && !end_state(from).broken;
  }
  bool aborted() const { return aborted_; }
  bool fifo() const { return fifo_; }

 private:
  struct InFlight {
    InFlight(bool is_eof, Message&& m) : eof(is_eof), msg(std::move(m)) {}
    bool eof;
    Message msg;
  };
  // A FIFO over a vector whose storage is kept: a deque would allocate a block per message
  // as large as a ChaincodeMessage.
  class Fifo {
   public:
    bool empty() const { return head_ == items_.size(); }
    InFlight& front() { return items_[head_]; }
    void emplace_back(bool eof, Message&& m) { items_.emplace_back(eof, std::move(m)); }
    void pop_front() {
      if (++head_ == items_.size()) {
        clear();
      } else if (head_ >= 64 && 2 * head_ >= items_.size()) {
        // Never drained: drop the delivered half so the storage stays bounded.
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
    }
    void clear() {
      items_.clear();
      head_ = 0;
    }

   private:
    std::vector<InFlight> items_;
    std::size_t head_ = 0;
  };
  struct EndState {
    explicit EndState(End e) : direction(e == End::kA ? "A->B" : "B->A") {}
    std::string direction;         // what this end sends, in event labels
    Receiver* receiver = nullptr;  // gets what the other end sends
    bool send_closed = false;      // this end half-closed its sending direction
    Time last_arrival;             // latest arrival of what this end sent
    Fifo in_flight;                // what this end sent, not yet arrived (FIFO mode)
    // fail_next_send: the error this end's next send returns.
    std::optional<std::string> fail_next;
    // set_close_error: what the other end gets in place of this end's EOF.
    std::optional<std::string> close_error;
    std::uint32_t domain = 0;           // the receiver's (Simulation domains)
    std::string abort_reason;           // what this end's sends return once aborted
    std::optional<std::string> broken;  // break_end: this end gave up, with this error
  };

  EndState& end_state(End e) { return ends_[static_cast<int>(e)]; }
  const EndState& end_state(End e) const { return ends_[static_cast<int>(e)]; }

  std::string message_label(End from, const Message& msg) const {
    std::string label = end_state(from).direction;
    label += ' ';
    label += describe_ ? describe_(msg) : std::string("message");
    return label;
  }

  Time arrival(EndState& sender, Duration latency) {
    Time when = sim_->now() + latency;
    if (fifo_ && when < sender.last_arrival) when = sender.last_arrival;
    if (when > sender.last_arrival) sender.last_arrival = when;
    return when;
  }

  // Each arrival event takes the head of the queue, so even if events due at the same
  // instant run in another order (tie exploration), messages arrive in the order sent.
  void deliver_next(End from) {
    EndState& sender = end_state(from);
    if (aborted_ || sender.in_flight.empty()) return;
    if (blackholed_ || end_state(other(from)).broken) return;  // cleared when it happened
    Receiver* r = end_state(other(from)).receiver;
    InFlight& item = sender.in_flight.front();
    if (r == nullptr || item.eof) {
      sender.in_flight.pop_front();
      if (r == nullptr) return;
      r->on_closed(sender.close_error ? StreamClosed{false, *sender.close_error}
                                      : StreamClosed{true, {}});
      return;
    }
    if (delivery_observer_) delivery_observer_(other(from));
    // The message moves straight from the queue into the receiver's argument (one move, not
    // two); the item is popped after, unless the receiver aborted the stream, which cleared
    // the queue. (`item` is not used after the call: a half-close meanwhile may have grown
    // the queue's storage.)
    r->on_message(std::move(item.msg));
    if (!aborted_) sender.in_flight.pop_front();
  }

  Simulation* sim_;
  LatencyFn latency_;
  CloseLatencyFn close_latency_;
  Observer observer_;
  CloseObserver close_observer_;
  std::function<void(End to)> delivery_observer_;
  std::function<void()> abort_observer_;
  Describe describe_;
  bool fifo_;
  bool aborted_ = false;
  bool blackholed_ = false;
  EndState ends_[2] = {EndState(End::kA), EndState(End::kB)};
};

}  // namespace ccsim::kernel
