// The canonical function type ids (type_registry.h): one map from encoded
// signature to id for the whole process, behind a mutex. Ids count up from
// 0 in order of first sight.
#include "runtime/store/type_registry.h"

#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace wsbx {
namespace {

// One byte per value type; 0x00 (never a value type) separates params from
// results, so distinct signatures get distinct keys.
std::string SignatureKey(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

struct TypeRegistry {
  std::mutex mu;
  absl::flat_hash_map<std::string, uint32_t> ids;  // guarded by mu

  static TypeRegistry& Get() {
    static TypeRegistry* const registry = new TypeRegistry;  // never destroyed
    return *registry;
  }
  // The caller holds mu.
  uint32_t Intern(const FuncType& type) {
    return ids
        .try_emplace(SignatureKey(type), static_cast<uint32_t>(ids.size()))
        .first->second;
  }
};

}  // namespace

uint32_t CanonicalTypeId(const FuncType& type) {
  TypeRegistry& registry = TypeRegistry::Get();
  std::lock_guard<std::mutex> lock(registry.mu);
  return registry.Intern(type);
}

std::vector<uint32_t> CanonicalTypeIds(std::span<const FuncType> types) {
  std::vector<uint32_t> ids;
  ids.reserve(types.size());
  TypeRegistry& registry = TypeRegistry::Get();
  std::lock_guard<std::mutex> lock(registry.mu);
  for (const FuncType& t : types) ids.push_back(registry.Intern(t));
  return ids;
}

}  // namespace wsbx
