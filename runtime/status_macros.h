// Early-return helpers for absl::Status / absl::StatusOr code paths.
#ifndef WSBX_RUNTIME_STATUS_MACROS_H_
#define WSBX_RUNTIME_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WSBX_CONCAT_INNER(a, b) a##b
#define WSBX_CONCAT(a, b) WSBX_CONCAT_INNER(a, b)

#define WSBX_RETURN_IF_ERROR(expr)           \
  do {                                       \
    absl::Status wsbx_status = (expr);       \
    if (!wsbx_status.ok()) return wsbx_status; \
  } while (0)

// WSBX_ASSIGN_OR_RETURN(lhs, expr): lhs may be a declaration ("auto x").
#define WSBX_ASSIGN_OR_RETURN(lhs, expr) \
  WSBX_ASSIGN_OR_RETURN_IMPL(WSBX_CONCAT(wsbx_or_, __LINE__), lhs, expr)
#define WSBX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(*tmp)

#endif  // WSBX_RUNTIME_STATUS_MACROS_H_
