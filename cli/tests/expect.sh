# Shared by the CLI test scripts (sourced): `expect` runs one command and
# checks its exit code and output, `check` any other condition, `within`
# how long the last command took. The
# caller sets $tmp (a scratch dir) and $failures (the count of failed
# expectations).

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# expect NAME WANT_CODE WANT_OUT WANT_ERR -- CMD...: runs CMD, checks its exit
# code and that stdout/stderr contain the given substrings (empty: no check);
# leaves the elapsed time in $elapsed_ms.
expect() {
  local name=$1 want_code=$2 want_out=$3 want_err=$4
  shift 5
  local t0; t0=$(now_ms)
  "$@" >"$tmp/out" 2>"$tmp/err"
  local code=$?
  elapsed_ms=$(( $(now_ms) - t0 ))
  local ok=1
  [ "$code" = "$want_code" ] || ok=0
  [ -z "$want_out" ] || grep -qF -- "$want_out" "$tmp/out" || ok=0
  [ -z "$want_err" ] || grep -qF -- "$want_err" "$tmp/err" || ok=0
  if [ $ok = 1 ]; then
    echo "ok   $name (${elapsed_ms} ms)"
  else
    echo "FAIL $name: exit $code (want $want_code), ${elapsed_ms} ms"
    sed 's/^/  out: /' "$tmp/out"; sed 's/^/  err: /' "$tmp/err" | head -20
    failures=$((failures + 1))
  fi
}

# within NAME LIMIT_MS: the last command took at most LIMIT_MS plus a margin
# for a loaded machine (SLACK_MS, default 500); prints the overshoot.
within() {
  local over=$(( elapsed_ms - $2 )) slack=${SLACK_MS:-500}
  echo "     $1: ${elapsed_ms} ms for a ${2} ms limit (overshoot ${over} ms)"
  if [ "$elapsed_ms" -gt $(( $2 + slack )) ]; then
    echo "FAIL $1: took ${elapsed_ms} ms, limit ${2} ms + ${slack} ms"
    failures=$((failures + 1))
  fi
}

# check NAME CMD...: one more expectation, met when CMD succeeds; on failure
# shows what the last `expect` captured.
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    [ -f "$tmp/out" ] && sed 's/^/  out: /' "$tmp/out" | head -40
    [ -f "$tmp/err" ] && sed 's/^/  err: /' "$tmp/err" | head -20
    failures=$((failures + 1))
  fi
}
has() { grep -qF -- "$2" "$1"; }      # has FILE TEXT
lacks() { ! grep -qF -- "$2" "$1"; }  # lacks FILE TEXT
