// PathResolver in both engines (openat2 and the O_NOFOLLOW walk): in-tree
// paths and links resolve, every way out is refused with a reason.
#include "wasi/path_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <doctest/doctest.h>

#include "wasi/abi.h"
#include "wasi/tests/test_tree.h"

namespace wsbx::wasi {
namespace {

using testing::TestTree;

std::string ReadFd(int fd) {
  char buf[64];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  return n < 0 ? "" : std::string(buf, n);
}

void CheckBothModes(void (*check)(const PathResolver&, TestTree&)) {
  for (bool force_walk : {false, true}) {
    CAPTURE(force_walk);
    PathResolver resolver(force_walk);
    if (!force_walk) REQUIRE(resolver.uses_openat2());
    TestTree tree;
    check(resolver, tree);
    CHECK(tree.OutsideIntact());
  }
}

TEST_CASE("the kernel has openat2 and the walk can be forced") {
  CHECK(KernelHasOpenat2());
  CHECK_FALSE(PathResolver(true).uses_openat2());
}

TEST_CASE("in-tree paths open in both modes") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    for (const char* p : {"file.txt", "./file.txt", "sub/../file.txt",
                          "sub/up_link", "in_link/inner.txt",
                          "sub/deeper/../../file.txt", "sub//inner.txt"}) {
      CAPTURE(p);
      Resolved res = r.Open(root.get(), p, O_RDONLY, 0, true);
      REQUIRE(res.ok());
      std::string text = ReadFd(res.fd.get());
      CHECK((text == "hello" || text == "inner"));
    }
    Resolved dir = r.Open(root.get(), ".", O_RDONLY | O_DIRECTORY, 0, true);
    CHECK(dir.ok());
  });
}

TEST_CASE("escapes are refused in both modes") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    struct Case { const char* path; uint16_t error; };
    for (Case c : {Case{"..", kNotcapable}, Case{"../outside/secret", kNotcapable},
                   Case{"sub/../../outside/secret", kNotcapable},
                   Case{"link_out", kNotcapable}, Case{"abs_link", kNotcapable},
                   Case{"sub/out_dir/secret", kNotcapable},
                   Case{"/etc/passwd", kNotcapable}, Case{"loop1", kLoop}}) {
      CAPTURE(c.path);
      Resolved res = r.Open(root.get(), c.path, O_RDONLY, 0, true);
      CHECK(res.error == c.error);
      CHECK_FALSE(res.refusal.empty());
      CHECK_FALSE(res.fd.valid());
    }
    Resolved nul = r.Open(root.get(), std::string_view("file.txt\0x", 10),
                          O_RDONLY, 0, true);
    CHECK(nul.error == kInval);
    CHECK(nul.refusal == "NUL byte in path");
  });
}

TEST_CASE("creating through an escaping link creates nothing outside") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    symlink("../outside/new", (t.root() + "/dangling").c_str());
    Resolved res = r.Open(root.get(), "dangling", O_WRONLY | O_CREAT, 0644, true);
    CHECK(res.error == kNotcapable);
    Resolved res2 = r.Open(root.get(), "sub/out_dir/new2", O_WRONLY | O_CREAT, 0644, true);
    CHECK(res2.error == kNotcapable);
    unlink((t.root() + "/dangling").c_str());
  });
}

TEST_CASE("not following the last link opens nothing behind it") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    Resolved res = r.Open(root.get(), "link_out", O_RDONLY, 0, false);
    CHECK(res.error == kLoop);
    Resolved path_fd = r.Open(root.get(), "link_out", O_PATH, 0, false);
    REQUIRE(path_fd.ok());
    struct stat st;
    REQUIRE(fstat(path_fd.fd.get(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
  });
}

TEST_CASE("OpenParent yields a directory and one name") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    Resolved p = r.OpenParent(root.get(), "sub/deeper/newfile");
    REQUIRE(p.ok());
    CHECK(p.name == "newfile");
    struct stat st;
    CHECK(fstatat(p.fd.get(), ".", &st, 0) == 0);
    Resolved link = r.OpenParent(root.get(), "link_out");
    REQUIRE(link.ok());
    CHECK(link.name == "link_out");  // the link itself, never its target
    Resolved dot = r.OpenParent(root.get(), "sub/..");
    REQUIRE(dot.ok());
    CHECK(dot.name == ".");
    CHECK(r.OpenParent(root.get(), "../x").error == kNotcapable);
    CHECK(r.OpenParent(root.get(), "sub/out_dir/x").error == kNotcapable);
    CHECK(r.OpenParent(root.get(), "").error == kNoent);
  });
}

TEST_CASE("symlink targets must stay beneath the root") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    Resolved sub = r.Open(root.get(), "sub", O_PATH | O_DIRECTORY, 0, true);
    REQUIRE(sub.ok());
    CHECK(r.CheckSymlinkTarget(root.get(), root.get(), "file.txt").ok());
    CHECK(r.CheckSymlinkTarget(root.get(), sub.fd.get(), "../file.txt").ok());
    CHECK(r.CheckSymlinkTarget(root.get(), root.get(), "../x").error == kNotcapable);
    CHECK(r.CheckSymlinkTarget(root.get(), sub.fd.get(), "../../x").error == kNotcapable);
    CHECK(r.CheckSymlinkTarget(root.get(), root.get(), "/etc").error == kNotcapable);
    CHECK(r.CheckSymlinkTarget(root.get(), root.get(), "a/../../b").error == kNotcapable);
  });
}

TEST_CASE("a path of many links is cut off as a loop") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    std::string prev = "file.txt";
    for (int i = 0; i < 50; ++i) {
      std::string name = "chain" + std::to_string(i);
      symlink(prev.c_str(), (t.root() + "/" + name).c_str());
      prev = name;
    }
    CHECK(r.Open(root.get(), "chain10", O_RDONLY, 0, true).ok());
    CHECK(r.Open(root.get(), "chain49", O_RDONLY, 0, true).error == kLoop);
  });
}

}  // namespace
}  // namespace wsbx::wasi

namespace wsbx::wasi {
namespace {

// A host thread keeps swapping root/swap between a real directory and a
// symlink to outside/ while paths through it are opened: no open may ever
// reach the sentinel.
TEST_CASE("a symlink swapped in during resolution never leads outside") {
  CheckBothModes([](const PathResolver& r, TestTree& t) {
    OwnedFd root(t.OpenRoot());
    std::string swap = t.root() + "/swap";
    std::string real = t.root() + "/real";
    std::string evil = t.root() + "/evil";
    std::filesystem::create_directory(real);
    TestTree::Write(real + "/secret", "inside");
    symlink("../outside", evil.c_str());
    rename(real.c_str(), swap.c_str());
    std::atomic<bool> stop{false};
    std::thread swapper([&] {
      bool is_real = true;
      while (!stop.load()) {
        // swap <-> real and evil trade places atomically.
        renameat2(AT_FDCWD, swap.c_str(), AT_FDCWD,
                  (is_real ? real : evil).c_str(), RENAME_EXCHANGE);
        is_real = !is_real;
        usleep(20);  // let some resolutions finish between swaps
      }
    });
    int inside = 0;
    for (int i = 0; i < 3000; ++i) {
      Resolved res = r.Open(root.get(), "swap/secret", O_RDONLY, 0, true);
      if (res.ok()) {
        std::string text = ReadFd(res.fd.get());
        CHECK(text == "inside");
        inside += text == "inside";
      } else {
        // Refused, or a name that vanished or changed type mid-walk.
        CAPTURE(res.error);
        CHECK((res.error == kNotcapable || res.error == kNoent ||
               res.error == kAgain || res.error == kNotdir));
      }
    }
    stop = true;
    swapper.join();
    CHECK(inside > 0);
  });
}

}  // namespace
}  // namespace wsbx::wasi
