// A throwaway directory tree for WASI tests: root/ is what a guest gets,
// outside/ holds a sentinel that must never be read or changed, and root/
// contains links that try to leave it.
#ifndef WSBX_WASI_TESTS_TEST_TREE_H_
#define WSBX_WASI_TESTS_TEST_TREE_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wsbx::wasi::testing {

class TestTree {
 public:
  TestTree() {
    char tmpl[] = "/tmp/wsbx-wasi-test-XXXXXX";
    base_ = mkdtemp(tmpl);
    root_ = base_ + "/root";
    std::filesystem::create_directories(root_ + "/sub/deeper");
    std::filesystem::create_directories(base_ + "/outside");
    Write(base_ + "/outside/secret", "SECRET");
    Write(root_ + "/file.txt", "hello");
    Write(root_ + "/sub/inner.txt", "inner");
    symlink("../outside/secret", (root_ + "/link_out").c_str());
    symlink((base_ + "/outside/secret").c_str(), (root_ + "/abs_link").c_str());
    symlink("loop2", (root_ + "/loop1").c_str());
    symlink("loop1", (root_ + "/loop2").c_str());
    symlink("sub", (root_ + "/in_link").c_str());
    symlink("../file.txt", (root_ + "/sub/up_link").c_str());
    symlink("../../outside", (root_ + "/sub/out_dir").c_str());
  }
  ~TestTree() { std::filesystem::remove_all(base_); }

  const std::string& base() const { return base_; }
  const std::string& root() const { return root_; }
  int OpenRoot() const { return open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // The outside tree holds exactly the untouched sentinel.
  bool OutsideIntact() const {
    int n = 0;
    for (auto& e : std::filesystem::directory_iterator(base_ + "/outside")) {
      (void)e;
      ++n;
    }
    int top = 0;
    for (auto& e : std::filesystem::directory_iterator(base_)) {
      (void)e;
      ++top;
    }
    return n == 1 && top == 2 && Read(base_ + "/outside/secret") == "SECRET";
  }

 private:
  std::string base_;
  std::string root_;
};

}  // namespace wsbx::wasi::testing

#endif  // WSBX_WASI_TESTS_TEST_TREE_H_
