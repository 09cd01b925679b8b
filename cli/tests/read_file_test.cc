// Module file reading: directories, missing files and endless inputs are
// errors, never exceptions or unbounded reads; waits for a FIFO end at the
// deadline or when the interrupt flag is set.
#include "cli/read_file.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace wsbx {
namespace {

bool Contains(const absl::Status& s, const std::string& text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

TEST_CASE("reading a module file") {
  std::string path = "/tmp/wsbx-read-file-test.bin";
  const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fwrite(header, 1, sizeof header, f);
  std::fclose(f);
  auto ok = ReadModuleFile(path, 1 << 20);
  REQUIRE(ok.ok());
  CHECK(*ok == std::vector<uint8_t>(header, header + 8));
  auto small = ReadModuleFile(path, 4);
  CHECK_FALSE(small.ok());
  std::remove(path.c_str());
}

TEST_CASE("a regular file is read into one buffer of its size") {
  std::string path = "/tmp/wsbx-read-file-test-large.bin";
  std::vector<uint8_t> data(200000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  auto r = ReadModuleFile(path, 1 << 20);
  std::remove(path.c_str());
  REQUIRE(r.ok());
  CHECK(*r == data);
  // Not regrown in chunks: at most the one byte that saw the end is spare.
  CHECK(r->capacity() <= data.size() + 1);
}

TEST_CASE("a file whose size is not known ahead is read to its end") {
  // /proc files are regular files that report size 0.
  auto r = ReadModuleFile("/proc/self/status", 1 << 20);
  REQUIRE(r.ok());
  std::string text(r->begin(), r->end());
  CHECK(text.find("VmRSS:") != std::string::npos);
}

TEST_CASE("a directory is an error, not an exception") {
  auto r = ReadModuleFile("/tmp", 1 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(Contains(r.status(), "Is a directory"));
}

TEST_CASE("a missing file is an error") {
  auto r = ReadModuleFile("/nonexistent/wsbx.wasm", 1 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(Contains(r.status(), "No such file"));
}

TEST_CASE("an endless input stops at the size limit") {
  auto r = ReadModuleFile("/dev/zero", 1 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(Contains(r.status(), "larger than the module size limit"));
}

// A FIFO in /tmp, removed at the end of the test.
struct Fifo {
  std::string path = "/tmp/wsbx-read-file-test-" + std::to_string(getpid());
  Fifo() { REQUIRE(mkfifo(path.c_str(), 0600) == 0); }
  ~Fifo() { unlink(path.c_str()); }
};

TEST_CASE("a FIFO with no writer gives up at the deadline") {
  Fifo fifo;
  auto t0 = std::chrono::steady_clock::now();
  auto r = ReadModuleFile(fifo.path, 1 << 20,
                          t0 + std::chrono::milliseconds(100));
  REQUIRE_FALSE(r.ok());
  CHECK(absl::IsDeadlineExceeded(r.status()));
  CHECK(Contains(r.status(), "timeout: deadline passed while reading"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("an interrupt flag ends the wait for a writer") {
  Fifo fifo;
  std::atomic<bool> flag{false};
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = true;
  });
  auto r = ReadModuleFile(fifo.path, 1 << 20, std::nullopt, &flag);
  setter.join();
  REQUIRE_FALSE(r.ok());
  CHECK(absl::IsCancelled(r.status()));
  CHECK(Contains(r.status(), "interrupted while reading"));
}

TEST_CASE("a FIFO is read to its writer's end") {
  Fifo fifo;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int fd = open(fifo.path.c_str(), O_WRONLY);
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      CHECK(write(fd, "abc", 3) == 3);
    }
    close(fd);
  });
  auto r = ReadModuleFile(fifo.path, 1 << 20,
                          std::chrono::steady_clock::now() +
                              std::chrono::seconds(60));
  writer.join();
  REQUIRE(r.ok());
  CHECK(std::string(r->begin(), r->end()) == "abcabcabc");
}

}  // namespace
}  // namespace wsbx
