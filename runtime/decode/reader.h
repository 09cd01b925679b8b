// A bounds-checked cursor over wasm binary bytes. Every read checks the end
// first; LEB128 reads reject over-long and overflowing encodings (spec 5.2.2).
// Errors are absl::Status values naming the byte offset and what was expected.
#ifndef WSBX_RUNTIME_DECODE_READER_H_
#define WSBX_RUNTIME_DECODE_READER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

namespace wsbx {

class Reader {
 public:
  // `base_offset` is the offset of data[0] within the whole module, so that
  // error messages always name module offsets.
  explicit Reader(std::span<const uint8_t> data, uint32_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  uint32_t offset() const { return base_ + static_cast<uint32_t>(pos_); }
  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  // Moves past n bytes the caller has already seen (n <= remaining()).
  void Advance(size_t n) { pos_ += n; }
  std::span<const uint8_t> data() const { return data_; }

  // An error at the current offset: "at offset 0x1f: <what>".
  absl::Status Error(std::string_view what) const {
    return ErrorAt(offset(), what);
  }
  static absl::Status ErrorAt(uint32_t offset, std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrFormat("at offset 0x%x: %s", offset, what));
  }

  absl::StatusOr<uint8_t> ReadByte() {
    if (pos_ >= data_.size()) return Error("unexpected end");
    return data_[pos_++];
  }
  absl::StatusOr<uint32_t> ReadU32() { return ReadUnsigned<uint32_t>(32); }
  absl::StatusOr<uint64_t> ReadU64() { return ReadUnsigned<uint64_t>(64); }
  absl::StatusOr<int32_t> ReadS32() {
    auto v = ReadSigned(32);
    if (!v.ok()) return v.status();
    return static_cast<int32_t>(*v);
  }
  absl::StatusOr<int64_t> ReadS64() { return ReadSigned(64); }
  // The s33 of a block type, returned sign-extended.
  absl::StatusOr<int64_t> ReadS33() { return ReadSigned(33); }

  absl::StatusOr<uint32_t> ReadFixed32() {
    if (remaining() < 4) return Error("unexpected end");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{data_[pos_ + i]} << (8 * i);
    pos_ += 4;
    return v;
  }
  absl::StatusOr<uint64_t> ReadFixed64() {
    if (remaining() < 8) return Error("unexpected end");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{data_[pos_ + i]} << (8 * i);
    pos_ += 8;
    return v;
  }
  absl::StatusOr<std::span<const uint8_t>> ReadBytes(size_t n) {
    if (remaining() < n) return Error("unexpected end");
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  absl::Status Skip(size_t n) {
    if (remaining() < n) return Error("unexpected end");
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  // Unsigned LEB128 of at most ceil(bits/7) bytes; unused high bits of the
  // last byte must be zero.
  template <typename T>
  absl::StatusOr<T> ReadUnsigned(int bits) {
    // One-byte values (most indices and counts) skip the loop.
    if (pos_ < data_.size() && data_[pos_] < 0x80) return T{data_[pos_++]};
    T result = 0;
    int shift = 0;
    const int max_bytes = (bits + 6) / 7;
    for (int i = 0; i < max_bytes; ++i) {
      if (pos_ >= data_.size()) return Error("unexpected end");
      uint8_t b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) return Error("integer representation too long");
        int used = bits - shift;  // bits the last byte may carry
        if (used < 7 && (b >> used) != 0) return Error("integer too large");
      }
      result |= static_cast<T>(b & 0x7F) << shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
    return Error("integer representation too long");
  }

  // Signed LEB128 of at most ceil(bits/7) bytes; the unused high bits of the
  // last byte must all equal the sign bit.
  absl::StatusOr<int64_t> ReadSigned(int bits) {
    uint64_t result = 0;
    int shift = 0;
    const int max_bytes = (bits + 6) / 7;
    for (int i = 0; i < max_bytes; ++i) {
      if (pos_ >= data_.size()) return Error("unexpected end");
      uint8_t b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) return Error("integer representation too long");
        int used = bits - shift;  // value bits in this byte, sign included
        if (used < 7) {
          int8_t rest = static_cast<int8_t>(b << 1) >> used;  // bits 6..used-1
          int8_t sign = (b >> (used - 1)) & 1 ? -1 : 0;
          if ((rest >> 1) != sign) return Error("integer too large");
        }
      }
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return static_cast<int64_t>(result);
      }
    }
    return Error("integer representation too long");
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  uint32_t base_ = 0;
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_DECODE_READER_H_
