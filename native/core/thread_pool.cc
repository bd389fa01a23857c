#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sloppy {
namespace {

class Pool {
 public:
  explicit Pool(int size) {
    for (int i = 0; i < size; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& w : workers_) w.join();
  }
  void submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }
  int size() const { return static_cast<int>(workers_.size()); }

 private:
  void loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (stopping_ && tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool stopping_ = false;
};

Pool& pool() {
  static Pool instance(std::max(1, hardwareThreads() - 1));
  return instance;
}

// Blocks are claimed from a shared counter, so a helper that starts late simply finds no work left.
struct Shared {
  std::atomic<int64_t> next{0};
  int64_t blocks = 0;
  int64_t n = 0;
  int64_t grain = 1;
  const std::function<void(int64_t, int64_t)>* body = nullptr;
  std::mutex mutex;
  std::condition_variable done;
  int active = 0;
  std::exception_ptr error;

  void work() {
    for (int64_t b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) {
      try {
        (*body)(b * grain, std::min(n, (b + 1) * grain));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        next.store(blocks);
      }
    }
  }
};

}  // namespace

int hardwareThreads() {
  const unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : static_cast<int>(h);
}

void parallelFor(int64_t n, int64_t grain, int threads, const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  auto shared = std::make_shared<Shared>();
  shared->n = n;
  shared->grain = grain;
  shared->blocks = (n + grain - 1) / grain;
  shared->body = &body;
  const int wanted = threads > 0 ? threads : hardwareThreads();
  const int helpers = static_cast<int>(std::min<int64_t>(std::min(wanted - 1, pool().size()), shared->blocks - 1));
  shared->active = helpers;
  for (int i = 0; i < helpers; ++i) {
    pool().submit([shared] {
      shared->work();
      std::lock_guard<std::mutex> lock(shared->mutex);
      if (--shared->active == 0) shared->done.notify_all();
    });
  }
  shared->work();
  std::unique_lock<std::mutex> lock(shared->mutex);
  shared->done.wait(lock, [&] { return shared->active == 0; });
  if (shared->error) std::rethrow_exception(shared->error);
}

}  // namespace sloppy
