// Storage for lane vectors whose width is chosen at run time (core/lane_width.h): one 64-byte-aligned block that
// a kernel views as Lanes<W> of the width it runs. A process runs one width, so the block only ever holds one
// kind; it is grown, never shrunk or cleared, because the callers write every entry they later read.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "lanes.h"

namespace sloppy {

class LaneBuffer {
 public:
  // At least `count` lanes of width W; the contents are unspecified after growth.
  template <int W>
  Lanes<W>* get(int64_t count) {
    const size_t bytes = static_cast<size_t>(count) * sizeof(Lanes<W>);
    if (bytes > bytes_) {
      data_.reset(::operator new(bytes, std::align_val_t(kAlign)));
      bytes_ = bytes;
    }
    return static_cast<Lanes<W>*>(data_.get());
  }
  template <int W>
  Lanes<W>* data() const {
    return static_cast<Lanes<W>*>(data_.get());
  }

 private:
  static constexpr size_t kAlign = 64;
  struct Free {
    void operator()(void* p) const { ::operator delete(p, std::align_val_t(kAlign)); }
  };
  std::unique_ptr<void, Free> data_;
  size_t bytes_ = 0;
};

}  // namespace sloppy
