// Reads, writes and lists files under /data with wasi-libc's stdio and
// POSIX calls, printing one line per step: the same script as files_cpp.cc
// and files_rust.rs, so their outputs can be compared.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char* ReadAll(const char* path, char* buf, size_t size) {
  FILE* f = fopen(path, "r");
  if (f == NULL) return "error";
  size_t n = fread(buf, 1, size - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static int Compare(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static void PrintList(const char* label, const char* dir) {
  char* names[64];
  int count = 0;
  DIR* d = opendir(dir);
  if (d == NULL) {
    printf("%s: error\n", label);
    return;
  }
  struct dirent* e;
  while ((e = readdir(d)) != NULL && count < 64) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, count, sizeof names[0], Compare);
  printf("%s: ", label);
  for (int i = 0; i < count; ++i) {
    printf("%s%s", i ? "," : "", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static const char* WriteText(const char* path, const char* mode, const char* text) {
  FILE* f = fopen(path, mode);
  if (f == NULL) return "error";
  int bad = fputs(text, f) < 0;
  bad |= fclose(f) != 0;
  return bad ? "error" : "ok";
}

int main(void) {
  char buf[256];
  printf("read: %s\n", ReadAll("/data/file.txt", buf, sizeof buf));
  PrintList("list", "/data");
  PrintList("list sub", "/data/sub");
  printf("write: %s\n", WriteText("/data/out.txt", "w", "written by c"));
  printf("read back: %s\n", ReadAll("/data/out.txt", buf, sizeof buf));
  printf("append: %s\n", WriteText("/data/file.txt", "a", "+more"));
  printf("mkdir: %s\n", mkdir("/data/made", 0755) == 0 ? "ok" : "error");
  printf("rename: %s\n", rename("/data/out.txt", "/data/sub/moved.txt") == 0 ? "ok" : "error");
  PrintList("list after", "/data");
  printf("outside: %s\n",
         strcmp(ReadAll("/data/../secret", buf, sizeof buf), "error") ? "read" : "error");
  return 0;
}
