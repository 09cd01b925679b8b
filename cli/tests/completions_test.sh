#!/usr/bin/env bash
# The shell completion scripts and the man page, generated from wsbx's own
# command-line definition: the bash script completes subcommands, options
# and option choices; the zsh and fish scripts name every option; the man
# page renders without warnings and documents every option.
# Usage: completions_test.sh WSBX WSBX_1
set -u
wsbx=$1 manpage=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"

expect "completions bash" 0 "complete -o filenames -F _wsbx wsbx" "" -- "$wsbx" completions bash
cp "$tmp/out" "$tmp/wsbx.bash"
check "... is valid bash" bash -n "$tmp/wsbx.bash"
# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _wsbx; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$tmp/wsbx.bash" "$@"
}
check "... subcommands" grep -qx run <(complete_words wsbx r)
check "... completions itself" grep -qx completions <(complete_words wsbx comp)
check "... options of run" grep -qx -- --max-output <(complete_words wsbx run --max-o)
check "... -v of run" grep -qx -- -v <(complete_words wsbx run -)
check "... choices of --compile" [ "$(complete_words wsbx run --compile p)" = plain ]
check "... choices of --unknown-imports" \
  [ "$(complete_words wsbx run --unknown-imports '' | sort | tr '\n' ' ')" = "default error trap " ]
mkdir "$tmp/dir_a" && touch "$tmp/file_a.wasm"
check "... files for the module" grep -qx "$tmp/file_a.wasm" <(complete_words wsbx run "$tmp/file_")
check "... only directories for --dir" [ "$(complete_words wsbx run --dir "$tmp/")" = "$tmp/dir_a" ]
check "... nothing for a --mem size" [ -z "$(complete_words wsbx run --mem '')" ]

expect "completions zsh" 0 "#compdef wsbx" "" -- "$wsbx" completions zsh
for opt in --mem --timeout --max-output --unknown-imports --preload --log-level; do
  check "... zsh names $opt" grep -qF -- "'*$opt[" "$tmp/out"
done
check "... zsh offers the --compile choices" grep -qF -- ":optimized|plain:(optimized plain)" "$tmp/out"
expect "completions fish" 0 "complete -c wsbx" "" -- "$wsbx" completions fish
check "... fish names --max-output" grep -qF -- "-l max-output" "$tmp/out"
check "... fish offers the --compile choices" grep -qF -- "-l compile -x -a 'optimized plain'" "$tmp/out"
expect "an unknown shell" 2 "" "completions: 'tcsh' is not one of bash, zsh, fish" -- "$wsbx" completions tcsh
expect "no shell" 2 "" "shell is required" -- "$wsbx" completions

# --help of every subcommand names the kind of each value, never CLI11's
# generic TEXT/UINT, and the defaults of the limits.
for sub in run validate inspect "policy show" completions serve worker; do
  "$wsbx" $sub --help > "$tmp/help" 2>&1
  check "$sub --help shows value types" [ -z "$(grep -Ew 'TEXT|UINT|INT' "$tmp/help")" ]
done
"$wsbx" run --help > "$tmp/help"
for shown in "--mem SIZE (default 4G)" "--stack SIZE (default 8M)" "--timeout DURATION (default no limit)" \
             "--max-call-depth N (default 20000)" "--unknown-imports error|trap|default (default error)"; do
  check "run --help shows $shown" grep -qF -- "$shown" "$tmp/help"
done
"$wsbx" serve --help > "$tmp/help"
check "serve --help shows --max-output's default" grep -qF -- "--max-output SIZE (default 16M)" "$tmp/help"

# The man page: renders cleanly, and lists every option --help lists.
check "the man page renders without warnings" \
  sh -c "LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l '$manpage' > '$tmp/man.txt' 2> '$tmp/man.err' && [ ! -s '$tmp/man.err' ]"
check "... names the version" grep -q "wsbx $("$wsbx" --version | cut -d' ' -f2)" "$tmp/man.txt"
"$wsbx" run --help | grep -o -- '--[a-z][a-z-]*' | sort -u > "$tmp/help_options"
missing=0
while read -r opt; do
  [ "$opt" = --help ] && continue
  grep -qF -- "$opt" "$tmp/man.txt" || { echo "     man page lacks $opt"; missing=1; }
done < "$tmp/help_options"
check "... documents every option of run" [ "$missing" = 0 ]
check "... its exit statuses" grep -q "124" "$tmp/man.txt"

echo "$failures failure(s)"
[ "$failures" = 0 ]
