// Reads, writes and lists files under /data with the C++ standard library
// (libc++ for wasm32-wasi), printing one line per step: the same script as
// files_c.c and files_rust.rs, so their outputs can be compared.
#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

std::string ReadAll(const std::string& path, bool* ok) {
  std::ifstream in(path);
  *ok = in.is_open();
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string List(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  } else {
    return "error";
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

int main() {
  bool ok;
  std::string text = ReadAll("/data/file.txt", &ok);
  std::cout << "read: " << (ok ? text : "error") << "\n";
  std::cout << "list: " << List("/data") << "\n";
  std::cout << "list sub: " << List("/data/sub") << "\n";
  {
    std::ofstream out("/data/out.txt");
    out << "written by c++";
    out.close();
    std::cout << "write: " << (out.fail() ? "error" : "ok") << "\n";
  }
  text = ReadAll("/data/out.txt", &ok);
  std::cout << "read back: " << (ok ? text : "error") << "\n";
  {
    std::ofstream app("/data/file.txt", std::ios::app);
    app << "+more";
    app.close();
    std::cout << "append: " << (app.fail() ? "error" : "ok") << "\n";
  }
  std::cout << "mkdir: " << (mkdir("/data/made", 0755) == 0 ? "ok" : "error") << "\n";
  std::cout << "rename: "
            << (std::rename("/data/out.txt", "/data/sub/moved.txt") == 0 ? "ok" : "error")
            << "\n";
  std::cout << "list after: " << List("/data") << "\n";
  std::cout << "outside: " << (ReadAll("/data/../secret", &ok), ok ? "read" : "error")
            << "\n";
  return 0;
}
