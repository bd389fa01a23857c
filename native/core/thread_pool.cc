#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sloppy {
namespace {

// How long a worker, or a caller waiting for its blocks, polls before sleeping on a condition variable. A
// training iteration runs several parallel loops a few hundred microseconds apart, and waking a sleeping
// thread costs tens of microseconds on a loaded virtual machine.
constexpr auto kSpin = std::chrono::microseconds(200);

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Polls `ready` for up to kSpin; true if it became true.
template <class Ready>
bool spinUntil(const Ready& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (ready()) return true;
    cpuRelax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

// One queue per worker, so that a loop's slot k runs on the same thread every time (see parallelFor).
class Worker {
 public:
  Worker() : thread_([this] { loop(); }) {}
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
    thread_.join();
  }
  void submit(std::function<void()> task) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.push_back(std::move(task));
      pending_.fetch_add(1, std::memory_order_release);
      wake = sleeping_;
    }
    if (wake) ready_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      spinUntil([this] { return pending_.load(std::memory_order_acquire) > 0; });
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_ = true;
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        sleeping_ = false;
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
        pending_.fetch_sub(1, std::memory_order_relaxed);
      }
      task();
    }
  }
  std::deque<std::function<void()>> tasks_;
  std::atomic<int64_t> pending_{0};
  bool sleeping_ = false;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::thread thread_;  // last: starts after the members it uses
};

class Pool {
 public:
  explicit Pool(int size) : workers_(size) {
    for (auto& w : workers_) w = std::make_unique<Worker>();
  }
  void submit(int worker, std::function<void()> task) { workers_[worker]->submit(std::move(task)); }
  int size() const { return static_cast<int>(workers_.size()); }

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
};

Pool& pool() {
  static Pool instance(std::max(1, hardwareThreads() - 1));
  return instance;
}

// Block b belongs to slot b mod slots: the caller is slot 0, worker k − 1 runs slot k. A thread claims its own
// blocks first, then takes what other slots left, so a late or busy worker delays nothing. Blocks are counted
// when finished, so the caller waits for its blocks, not for its helpers: one that starts late finds no block
// left and never touches `body`, which may be gone by then. Each slot's counters sit on a cache line of their
// own: with one shared counter of finished blocks and the claim counters side by side, every block moved a line
// between cores, and a loop of 63 one-group blocks (an lds2d batch's statistics) spent more on that than on its
// blocks.
struct alignas(64) SlotCounters {
  std::atomic<int64_t> claimed{0};   // how many of the slot's own blocks have been claimed
  std::atomic<int64_t> finished{0};  // how many blocks this slot's thread has finished, its own or taken
};

struct Shared {
  std::unique_ptr<SlotCounters[]> slot;
  std::atomic<bool> failed{false};
  int slots = 1;
  int64_t blocks = 0;
  int64_t n = 0;
  int64_t grain = 1;
  const std::function<void(int64_t, int64_t)>* body = nullptr;
  std::mutex mutex;
  std::condition_variable done;
  std::exception_ptr error;

  int64_t claim(int owner) {
    const int64_t k = slot[owner].claimed.fetch_add(1, std::memory_order_relaxed);
    const int64_t b = owner + k * slots;
    return b < blocks ? b : -1;
  }
  void run(int self, int64_t b) {
    if (!failed.load(std::memory_order_relaxed)) {
      try {
        (*body)(b * grain, std::min(n, (b + 1) * grain));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed.store(true);  // the remaining blocks are claimed and counted without running
      }
    }
    slot[self].finished.fetch_add(1, std::memory_order_seq_cst);
  }
  // Runs blocks until none is left to claim. A helper then wakes a caller asleep in parallelFor if every block
  // is finished: the counts and the reads of them are sequentially consistent, so whichever thread finishes
  // last sees all of them.
  void work(int self) {
    for (int s = 0; s < slots; ++s) {
      const int owner = (self + s) % slots;
      for (int64_t b = claim(owner); b >= 0; b = claim(owner)) run(self, b);
    }
    if (self != 0 && complete()) {
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_all();
    }
  }
  bool complete() const {
    int64_t total = 0;
    for (int s = 0; s < slots; ++s) total += slot[s].finished.load(std::memory_order_seq_cst);
    return total == blocks;
  }
};

}  // namespace

int hardwareThreads() {
  const unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : static_cast<int>(h);
}

int threadCount(int threads) { return threads > 0 ? threads : hardwareThreads(); }

void parallelFor(int64_t n, int64_t grain, int threads, const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t blocks = (n + grain - 1) / grain;
  const int wanted = threadCount(threads);
  const int helpers = static_cast<int>(std::min<int64_t>(std::min(wanted - 1, pool().size()), blocks - 1));
  if (helpers <= 0) {
    for (int64_t b = 0; b < blocks; ++b) body(b * grain, std::min(n, (b + 1) * grain));
    return;
  }
  auto shared = std::make_shared<Shared>();
  shared->slots = helpers + 1;
  shared->slot = std::make_unique<SlotCounters[]>(shared->slots);
  shared->n = n;
  shared->grain = grain;
  shared->blocks = blocks;
  shared->body = &body;
  for (int k = 1; k <= helpers; ++k) pool().submit(k - 1, [shared, k] { shared->work(k); });
  shared->work(0);
  if (!spinUntil([&] { return shared->complete(); })) {
    std::unique_lock<std::mutex> lock(shared->mutex);
    shared->done.wait(lock, [&] { return shared->complete(); });
  }
  std::lock_guard<std::mutex> lock(shared->mutex);
  if (shared->error) std::rethrow_exception(shared->error);
}

}  // namespace sloppy
