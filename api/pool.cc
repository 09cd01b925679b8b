// Pool (include/wsbx/wsbx.hpp): sandboxes of one configuration, compiled
// once, each reset copy-on-write when its lease ends.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "api/sandbox_state.h"

namespace wsbx {

struct Pool::State {
  std::vector<std::unique_ptr<Sandbox>> all;
  std::mutex mu;
  std::condition_variable freed;
  std::vector<Sandbox*> free;  // guarded by mu
  uint64_t resets = 0;         // guarded by mu
  size_t lost = 0;             // sandboxes dropped after a failed reset
};

Pool::Pool(std::unique_ptr<State> state) : state_(std::move(state)) {}
Pool::~Pool() = default;

Result<std::unique_ptr<Pool>> Pool::Create(const Sandbox::Builder& builder,
                                           size_t size) {
  if (size == 0) {
    return Error(ErrorKind::kInvalidArgument, "a pool needs at least one sandbox");
  }
  // Load and compile once; every sandbox shares the module.
  Sandbox::Builder shared = builder;
  if (!shared.config_->module) {
    Result<Sandbox> first = builder.Build();
    if (!first.ok()) return first.error();
    shared.config_->module = first->state_->module;
  }
  auto state = std::make_unique<State>();
  for (size_t i = 0; i < size; ++i) {
    Result<Sandbox> sandbox = shared.Build();
    if (!sandbox.ok()) return sandbox.error();
    if (Result<void> r = sandbox->EnableFastReset(); !r.ok()) return r.error();
    state->all.push_back(std::make_unique<Sandbox>(std::move(*sandbox)));
    state->free.push_back(state->all.back().get());
  }
  return std::unique_ptr<Pool>(new Pool(std::move(state)));
}

Result<Pool::Lease> Pool::Acquire(std::chrono::nanoseconds wait) {
  std::unique_lock<std::mutex> lock(state_->mu);
  auto ready = [this] { return !state_->free.empty(); };
  if (wait == std::chrono::nanoseconds::max()) {
    state_->freed.wait(lock, ready);
  } else if (!state_->freed.wait_for(lock, wait, ready)) {
    return Error(ErrorKind::kResource, "no sandbox of the pool became free in time");
  }
  Sandbox* sandbox = state_->free.back();
  state_->free.pop_back();
  return Lease(this, sandbox);
}

void Pool::Release(Sandbox* sandbox) {
  // The reset runs outside the lock: other leases come and go meanwhile.
  Result<void> reset = sandbox->Reset();
  std::lock_guard<std::mutex> lock(state_->mu);
  ++state_->resets;
  if (!reset.ok()) {
    ++state_->lost;  // never hand out a sandbox in an unknown state
    return;
  }
  state_->free.push_back(sandbox);
  state_->freed.notify_one();
}

size_t Pool::size() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->all.size() - state_->lost;
}

size_t Pool::available() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->free.size();
}

uint64_t Pool::resets() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->resets;
}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), sandbox_(other.sandbox_) {
  other.pool_ = nullptr;
  other.sandbox_ = nullptr;
}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr) pool_->Release(sandbox_);
    pool_ = other.pool_;
    sandbox_ = other.sandbox_;
    other.pool_ = nullptr;
    other.sandbox_ = nullptr;
  }
  return *this;
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(sandbox_);
}

}  // namespace wsbx
