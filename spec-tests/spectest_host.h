// The `spectest` host module that the official test scripts import from
// (the reference interpreter's host): print functions, four immutable
// globals, a funcref table (10..20) and a memory (1..2 pages).
#ifndef WSBX_SPEC_TESTS_SPECTEST_HOST_H_
#define WSBX_SPEC_TESTS_SPECTEST_HOST_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "runtime/store/store.h"

namespace wsbx::spec {

class SpectestHost {
 public:
  // Creates the module's objects in `store`, which must outlive the result.
  static absl::StatusOr<SpectestHost> Create(Store& store);

  // The export named `field`, if the module has one.
  std::optional<Extern> Find(std::string_view field) const;

 private:
  absl::flat_hash_map<std::string, Extern> exports_;
};

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_SPECTEST_HOST_H_
